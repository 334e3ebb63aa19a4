"""The baseline: bare Flask answering a constant string, served with the same gunicorn settings as the shop.

Every figure of bench/run.py is read as a ratio to this app measured in the same run, because absolute
requests per second on a shared 2-core machine move by ±30 % from one minute to the next.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
