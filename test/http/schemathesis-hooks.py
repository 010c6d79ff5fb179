# Loaded by schemathesis (the `hooks` setting that schemathesis-reports.ts
# writes): how to send a body of the one non-JSON media type the API takes,
# application/x-ndjson (PUT /v1/artifacts/{name}/manifest). Its document
# says "a string": a generated string goes as its UTF-8 bytes; what the
# negative phases make instead (numbers, objects, null) goes as its JSON text,
# which is just as much a body the server must refuse. The other raw body,
# application/octet-stream (PUT /v1/orders/{id}/derived/{artifact}/
# vendor-bundle/{file}), takes any bytes: schemathesis's own serializer sends
# a string as its UTF-8 bytes and anything else as its JSON text, and does not
# expect the server to refuse what the negative phases make of it.
import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return json.dumps(value).encode("utf-8")
