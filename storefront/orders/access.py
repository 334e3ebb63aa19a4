"""Which orders this browser placed. The order URL's token is the capability; the session list only
lets the Midtrans finish redirect (which carries a guessable order_id) lead back to the right page."""

from flask.sessions import SessionMixin as Session

SESSION_KEY = "orders"
REMEMBERED = 10


def remember_order(session: Session, access_token: str) -> None:
    tokens = [t for t in session.get(SESSION_KEY, []) if t != access_token]
    session[SESSION_KEY] = (tokens + [access_token])[-REMEMBERED:]


def session_owns(session: Session, access_token: str) -> bool:
    return access_token in session.get(SESSION_KEY, [])


def latest_order_token(session: Session) -> str | None:
    tokens = session.get(SESSION_KEY, [])
    return tokens[-1] if tokens else None
