"""A foreign SAML IdP for the interop test: Debian's pysaml2 (python3-pysaml2), signing with
xmlsec1, as an IdP written apart from studio-gate answers. It reads a JSON list of requests on
stdin and writes the JSON list of their answers on stdout (one process for all: pysaml2 takes a
second to load); nothing touches the network.

Request: {"sp_metadata": XML, "key": PEM, "cert": PEM, "authn_request": base64 of the
HTTP-Redirect binding's deflated AuthnRequest or null (IdP-initiated), "acs": URL,
"sp_entity_id": str, "email": str, "groups": [str], "sign_response": bool, "sign_assertion": bool,
"sign_alg": URI, "digest_alg": URI}
Answer: {"request_id": the AuthnRequest's ID as pysaml2 read it (or null),
"request_acs": its AssertionConsumerServiceURL, "saml_response": base64 of the signed Response}
"""
import base64
import json
import os
import sys
import tempfile

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server

IDP_ENTITY_ID = "urn:pysaml2:idp"


def answer(request):
    with tempfile.TemporaryDirectory() as work:
        paths = {}
        for name in ("sp_metadata", "key", "cert"):
            paths[name] = os.path.join(work, name)
            with open(paths[name], "w", encoding="utf-8") as out:
                out.write(request[name])
        config = IdPConfig()
        config.load(
            {
                "entityid": IDP_ENTITY_ID,
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [("https://idp.example.com/sso", BINDING_HTTP_REDIRECT)]
                        },
                        "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None}},
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    }
                },
                "key_file": paths["key"],
                "cert_file": paths["cert"],
                "metadata": {"local": [paths["sp_metadata"]]},
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "crypto_backend": "xmlsec1",
            }
        )
        idp = Server(config=config)
        request_id = None
        request_acs = None
        if request.get("authn_request"):
            parsed = idp.parse_authn_request(request["authn_request"], BINDING_HTTP_REDIRECT)
            request_id = parsed.message.id
            request_acs = parsed.message.assertion_consumer_service_url
        response = idp.create_authn_response(
            identity={"email": [request["email"]], "groups": request["groups"]},
            in_response_to=request_id,
            destination=request["acs"],
            sp_entity_id=request["sp_entity_id"],
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=request["email"]),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
            sign_response=request["sign_response"],
            sign_assertion=request["sign_assertion"],
            sign_alg=request["sign_alg"],
            digest_alg=request["digest_alg"],
        )
        return {
            "request_id": request_id,
            "request_acs": request_acs,
            "saml_response": base64.b64encode(str(response).encode("utf-8")).decode("ascii"),
            "binding": BINDING_HTTP_POST,
        }


def main():
    json.dump([answer(request) for request in json.load(sys.stdin)], sys.stdout)


if __name__ == "__main__":
    main()
