"""A Biteship rates API double over real HTTP on 127.0.0.1: answers POST /v1/rates/couriers in Biteship's
format, and can be told to fail (500), to hang past the client's read timeout, or to answer garbage."""

import json
import threading
import time

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

API_KEY = "biteship_test.double-key"


class BiteshipDouble:
    def __init__(self):
        self.mode = "ok"
        self.requests = []
        self.hang_seconds = 2.0
        # Called with no arguments while a request is being answered (e.g. to look at the shop's database then).
        self.while_answering = None
        # courier_code, service_code, name, price per kg, duration range
        self.services = [("jne", "reg", "JNE", 21000, "2 - 3"), ("sicepat", "reg", "SiCepat", 17000, "1 - 2")]
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)

    def app(self, environ, start_response):
        request = Request(environ)
        if request.path != "/v1/rates/couriers" or request.method != "POST":
            return Response("not found", status=404)(environ, start_response)
        if request.headers.get("authorization") != API_KEY:
            return Response(json.dumps({"success": False, "error": "unauthorized"}), status=401)(
                environ, start_response
            )
        body = request.get_json()
        self.requests.append(body)
        if self.while_answering is not None:
            self.while_answering()
        if self.mode == "500":
            return Response('{"success": false}', status=500, content_type="application/json")(environ, start_response)
        if self.mode == "hang":
            time.sleep(self.hang_seconds)
        if self.mode == "garbage":
            return Response("<html>Bad gateway</html>", content_type="text/html")(environ, start_response)
        grams = sum(item["weight"] * item["quantity"] for item in body["items"])
        kg = max(1, -(-grams // 1000))
        wanted = set(body["couriers"].split(","))
        pricing = [
            {
                "courier_name": name,
                "courier_code": courier,
                "courier_service_name": "Reguler",
                "courier_service_code": service,
                "duration": f"{duration} days",
                "shipment_duration_range": duration,
                "shipment_duration_unit": "days",
                "price": per_kg * kg,
                "type": service,
            }
            for courier, service, name, per_kg, duration in self.services
            if courier in wanted
        ]
        answer = {
            "success": True,
            "object": "courier_pricing",
            "message": "Success to retrieve courier pricing",
            "origin": {"postal_code": body["origin_postal_code"]},
            "destination": {"postal_code": body["destination_postal_code"]},
            "pricing": pricing,
        }
        return Response(json.dumps(answer), content_type="application/json")(environ, start_response)
