# A ComfyUI API client that does exactly what ComfyUI's script_examples/basic_api_example.py and
# websockets_api_example.py do (POST /prompt with {"prompt", "client_id"}, read /ws until `executing`
# with node None for our prompt, GET /history/<id>, GET /view), written for Diffgraph's tests.
# With IMAGE and NODE it first uploads IMAGE through POST /upload/image (multipart, as ComfyUI's
# frontend and scripts do) into subfolder "uploads" and points LoadImage node NODE at it.
# Usage: /usr/bin/python3 comfy_client.py HOST:PORT PROMPT.json [IMAGE NODE] -> a JSON summary on stdout.
import json
import sys
import urllib.parse
import urllib.request
import uuid

import websocket  # Debian's python3-websocket, as the ComfyUI example uses

server, prompt_file = sys.argv[1], sys.argv[2]
upload = sys.argv[3:5]
client_id = str(uuid.uuid4())


def queue_prompt(prompt):
    data = json.dumps({"prompt": prompt, "client_id": client_id}).encode("utf-8")
    return json.loads(urllib.request.urlopen(urllib.request.Request(f"http://{server}/prompt", data=data)).read())


def get_image(filename, subfolder, folder_type):
    query = urllib.parse.urlencode({"filename": filename, "subfolder": subfolder, "type": folder_type})
    with urllib.request.urlopen(f"http://{server}/view?{query}") as response:
        return response.read()


def get_history(prompt_id):
    with urllib.request.urlopen(f"http://{server}/history/{prompt_id}") as response:
        return json.loads(response.read())


def upload_image(path, subfolder):
    boundary = uuid.uuid4().hex
    with open(path, "rb") as f:
        data = f.read()
    name = path.rsplit("/", 1)[-1]
    fields = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{name}"\r\n'
        f"Content-Type: image/png\r\n\r\n".encode() + data + b"\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="subfolder"\r\n\r\n{subfolder}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\ninput\r\n'.encode(),
        f"--{boundary}--\r\n".encode(),
    ]
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    request = urllib.request.Request(f"http://{server}/upload/image", data=b"".join(fields), headers=headers)
    return json.loads(urllib.request.urlopen(request).read())


ws = websocket.WebSocket()
ws.connect(f"ws://{server}/ws?clientId={client_id}")
prompt = json.load(open(prompt_file))
uploaded = None
if upload:
    uploaded = upload_image(upload[0], "uploads")
    prompt[upload[1]]["inputs"]["image"] = f"{uploaded['subfolder']}/{uploaded['name']}"
prompt_id = queue_prompt(prompt)["prompt_id"]
messages = []
previews = []  # (event type, image format) of each binary frame
while True:
    out = ws.recv()
    if isinstance(out, bytes):
        previews.append([int.from_bytes(out[0:4], "big"), int.from_bytes(out[4:8], "big"), out[8:12] == b"\x89PNG"])
    if isinstance(out, str):
        message = json.loads(out)
        messages.append(message["type"])
        if message["type"] == "executing":
            data = message["data"]
            if data["node"] is None and data["prompt_id"] == prompt_id:
                break
ws.close()
history = get_history(prompt_id)[prompt_id]
images = {}
for node_id, node_output in history["outputs"].items():
    if "images" in node_output:
        images[node_id] = [len(get_image(i["filename"], i["subfolder"], i["type"])) for i in node_output["images"]]
summary = {"prompt_id": prompt_id, "messages": messages, "previews": previews}
print(json.dumps({**summary, "images": images, "status": history["status"], "uploaded": uploaded}))
