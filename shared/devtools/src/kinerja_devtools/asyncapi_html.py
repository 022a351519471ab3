"""One self-contained HTML page of a service's AsyncAPI document, for integrators: the servers,
what the service publishes and reads, each topic, and each message with its headers, record key,
payload fields (types, limits, descriptions) and an example.

It reads only the document (as :mod:`kinerja_contracts.asyncapi` builds it), so the page says
nothing the document does not. No script, no outside stylesheet: the file opens anywhere.
"""

import json
import re
from html import escape
from typing import Any

STYLE = """
:root { color-scheme: light; --ink: #1d2733; --muted: #5b6776; --line: #d8dee6; --accent: #0b5cad;
  --soft: #f3f6f9; --send: #1f7a3f; --receive: #8a4b00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
header { background: #0f2d4a; color: #fff; padding: 28px 40px 22px; }
header h1 { margin: 0 0 6px; font-size: 26px; }
header p { margin: 4px 0; max-width: 980px; color: #dce6f0; }
header code { background: rgba(255,255,255,.14); color: #fff; }
.badges span { display: inline-block; margin: 6px 8px 0 0; padding: 2px 10px; border-radius: 12px;
  background: rgba(255,255,255,.16); font-size: 13px; }
.layout { display: grid; grid-template-columns: 260px minmax(0, 1fr); }
nav { border-right: 1px solid var(--line); padding: 20px 16px; font-size: 14px; position: sticky; top: 0;
  align-self: start; max-height: 100vh; overflow-y: auto; }
nav h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 16px 0 6px; }
nav a { display: block; padding: 2px 0; color: var(--accent); text-decoration: none; overflow-wrap: anywhere; }
main { padding: 8px 40px 60px; max-width: 1180px; }
h2 { font-size: 21px; margin: 34px 0 10px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 18px; margin: 28px 0 4px; }
h4 { font-size: 14px; margin: 18px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
code { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: var(--soft);
  padding: 1px 5px; border-radius: 4px; overflow-wrap: break-word; }
h3 code { font-size: 17px; }
h4.schema { text-transform: none; letter-spacing: 0; color: var(--ink); }
td.nowrap { white-space: nowrap; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px;
  overflow-x: auto; font: 12.5px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; }
.type { color: #5a2d82; }
.tag { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
  border: 1px solid currentColor; margin-right: 4px; }
.send { color: var(--send); } .receive { color: var(--receive); }
.public { color: var(--accent); } .internal { color: #a12622; } .deprecated { color: #a12622; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 4px 20px 10px; margin: 18px 0; }
.facts { color: var(--muted); margin: 4px 0 10px; }
.required { font-weight: 600; }
"""


def render_html(doc: dict[str, Any]) -> str:
    info = doc["info"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(info['title'])}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(info['title'])}</h1>",
        '<div class="badges">'
        f"<span>contract {escape(info['version'])}</span><span>AsyncAPI {escape(doc['asyncapi'])}</span>"
        f"<span>{escape(doc['defaultContentType'])}</span></div>",
        *_paragraphs(info["description"]),
        "</header>",
        '<div class="layout">',
        _nav(doc),
        "<main>",
        _servers(doc),
        _operations(doc),
        _channels(doc),
        _messages(doc),
        "</main>",
        "</div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _paragraphs(text: str) -> list[str]:
    return [f"<p>{_inline(p)}</p>" for p in text.split("\n\n") if p.strip()]


def _inline(text: str) -> str:
    """Escaped text with `code` spans."""
    pieces = re.split(r"(`[^`]+`)", text)
    return "".join(
        f"<code>{escape(p[1:-1])}</code>" if p.startswith("`") and p.endswith("`") else escape(p) for p in pieces
    )


def _anchor(kind: str, name: str) -> str:
    return f"{kind}-{re.sub(r'[^A-Za-z0-9_.-]', '-', name)}"


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _nav(doc: dict[str, Any]) -> str:
    lines = ['<nav aria-label="Contents">', '<a href="#servers">Servers</a>', '<a href="#operations">Operations</a>']
    lines.append("<h2>Topics</h2>")
    lines += [f'<a href="#{_anchor("channel", name)}">{escape(name)}</a>' for name in doc["channels"]]
    lines.append("<h2>Messages</h2>")
    for key, message in doc["components"]["messages"].items():
        lines.append(f'<a href="#{_anchor("message", key)}">{escape(message["title"])}</a>')
    lines.append("</nav>")
    return "\n".join(lines)


def _servers(doc: dict[str, Any]) -> str:
    schemes = doc["components"].get("securitySchemes", {})
    rows = []
    for name, server in doc["servers"].items():
        security = ", ".join(
            f"{schemes[_ref_name(s['$ref'])]['type']}: {schemes[_ref_name(s['$ref'])]['description']}"
            for s in server.get("security", [])
        )
        rows.append(
            [
                f"<strong>{escape(name)}</strong>",
                f"<code>{escape(server['host'])}</code>",
                escape(server["protocol"]),
                escape(security) or "none",
                _inline(server.get("description", "")),
            ]
        )
    return '<h2 id="servers">Servers</h2>\n' + _table(
        ["server", "host", "protocol", "security", "about"], rows, nowrap=2
    )


def _operations(doc: dict[str, Any]) -> str:
    rows = []
    for operation in doc["operations"].values():
        action = operation["action"]
        channel = _ref_name(operation["channel"]["$ref"])
        messages = ", ".join(
            f'<a href="#{_anchor("message", _ref_name(m["$ref"]))}">'
            f"{escape(doc['components']['messages'][_ref_name(m['$ref'])]['title'])}</a>"
            for m in operation["messages"]
        )
        rows.append(
            [
                f'<span class="tag {action}">{"publishes" if action == "send" else "reads"}</span>',
                f'<a href="#{_anchor("channel", channel)}"><code>{escape(channel)}</code></a>',
                messages,
                _inline(operation.get("description", "")),
            ]
        )
    intro = (
        "<p>What this service does on each topic: <em>publishes</em> (it is the producer of these events) "
        "or <em>reads</em> (it consumes them).</p>"
    )
    return '<h2 id="operations">Operations</h2>\n' + intro + _table(["", "topic", "messages", "how"], rows, nowrap=2)


def _channels(doc: dict[str, Any]) -> str:
    roles = _roles(doc)
    out = ["<h2>Topics</h2>"]
    for name, channel in doc["channels"].items():
        kafka = channel["bindings"]["kafka"]
        audience = channel["tags"][0]["name"]
        retention_days = kafka["topicConfiguration"]["retention.ms"] // 86_400_000
        out += [
            f'<section class="card" id="{_anchor("channel", name)}">',
            f'<h3><code>{escape(name)}</code> <span class="tag {audience}">{audience}</span></h3>',
            f'<p class="facts">{kafka["partitions"]} partitions · retention {retention_days} days</p>',
            *_paragraphs(channel.get("description", "")),
            "<h4>Messages on this topic</h4>",
        ]
        rows = []
        for key in channel["messages"]:
            message = doc["components"]["messages"][key]
            tags = " ".join(
                f'<span class="tag {r}">{"publishes" if r == "send" else "reads"}</span>' for r in roles[name, key]
            )
            rows.append(
                [
                    f'<a href="#{_anchor("message", key)}">{escape(message["title"])}</a>',
                    f"<code>{escape(key)}</code>",
                    tags or '<span class="facts">not used by this service</span>',
                    escape(message["summary"]),
                ]
            )
        out.append(_table(["message", "ce_type", "this service", "summary"], rows))
        out.append("</section>")
    return "\n".join(out)


def _roles(doc: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    """(channel, message) -> the actions this service takes on it."""
    roles: dict[tuple[str, str], list[str]] = {(c, m): [] for c, ch in doc["channels"].items() for m in ch["messages"]}
    for operation in doc["operations"].values():
        channel = _ref_name(operation["channel"]["$ref"])
        for message in operation["messages"]:
            roles[channel, _ref_name(message["$ref"])].append(operation["action"])
    return roles


def _messages(doc: dict[str, Any]) -> str:
    schemas = doc["components"]["schemas"]
    out = ["<h2>Messages</h2>"]
    for key, message in doc["components"]["messages"].items():
        payload = schemas[_ref_name(message["payload"]["$ref"])]
        key_schema = message["bindings"]["kafka"]["key"]
        deprecated = ' <span class="tag deprecated">deprecated</span>' if message.get("deprecated") else ""
        example = message["examples"][0]
        out += [
            f'<section class="card" id="{_anchor("message", key)}">',
            f"<h3>{escape(message['title'])}{deprecated}</h3>",
            f'<p class="facts"><code>ce_type = {escape(key)}</code> on '
            f'<a href="#{_anchor("channel", payload["x-topic"])}"><code>{escape(payload["x-topic"])}</code></a></p>',
            *_paragraphs(message["description"]),
            "<h4>Record key</h4>",
            f'<p><span class="type">{escape(_type_of(key_schema))}</span> — {_inline(key_schema["description"])}</p>',
            "<h4>Headers</h4>",
            _fields(message["headers"]),
            "<h4>Payload (record value)</h4>",
            _fields(payload),
        ]
        for name in _nested(payload, schemas):
            nested = schemas[name]
            if "properties" in nested:
                out += [f'<h4 class="schema"><code>{escape(name)}</code></h4>', _fields(nested)]
            elif "enum" in nested:
                out.append(
                    f'<h4 class="schema"><code>{escape(name)}</code></h4>'
                    f"<p>{_inline(nested.get('description', ''))} "
                    f"One of: {', '.join(f'<code>{escape(json.dumps(v))}</code>' for v in nested['enum'])}.</p>"
                )
        out += [
            "<h4>Example</h4>",
            f"<pre>{escape(_example_text(example))}</pre>",
            "</section>",
        ]
    return "\n".join(out)


def _example_text(example: dict[str, Any]) -> str:
    width = max(len(name) for name in example["headers"])
    headers = "\n".join(f"{name.ljust(width)} = {value}" for name, value in example["headers"].items())
    return f"{headers}\n\n{json.dumps(example['payload'], indent=2, ensure_ascii=False)}"


def _nested(schema: dict[str, Any], schemas: dict[str, Any]) -> list[str]:
    """The component schemas ``schema`` refers to, directly or through them, in first-use order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and _ref_name(ref) not in found:
                found.append(_ref_name(ref))
                walk(schemas[_ref_name(ref)])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema.get("properties", {}))
    return found


def _fields(schema: dict[str, Any]) -> str:
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        rows.append(
            [
                f'<code class="{"required" if name in required else ""}">{escape(name)}</code>',
                f'<span class="type">{escape(_type_of(prop))}</span>',
                "yes" if name in required else "no",
                _inline(prop.get("description", "")),
            ]
        )
    return _table(["field", "type", "required", "description"], rows)


def _type_of(prop: dict[str, Any]) -> str:
    """A field's type as a reader needs it: the type, its format or pattern, its limits."""
    if "$ref" in prop:
        return _ref_name(prop["$ref"])
    if "anyOf" in prop:
        return " | ".join(_type_of(p) for p in prop["anyOf"])
    if "const" in prop:
        return json.dumps(prop["const"])
    if "enum" in prop:
        return " | ".join(json.dumps(v) for v in prop["enum"])
    kind = str(prop.get("type", "any"))
    if kind == "array":
        kind = f"list[{_type_of(prop.get('items', {}))}]"
    elif kind == "object" and isinstance(prop.get("additionalProperties"), dict):
        keys = _type_of(prop.get("propertyNames", {"type": "string"}))
        kind = f"map[{keys} → {_type_of(prop['additionalProperties'])}]"
    if "format" in prop:
        kind += f" ({prop['format']})"
    if "pattern" in prop:
        kind += f" {prop['pattern']}"
    return kind + _limits(prop)


_LIMITS = (
    ("minLength", "≥{} chars"),
    ("maxLength", "≤{} chars"),
    ("minItems", "≥{} items"),
    ("maxItems", "≤{} items"),
    ("maxProperties", "≤{} entries"),
    ("minimum", "≥{}"),
    ("exclusiveMinimum", ">{}"),
    ("maximum", "≤{}"),
)


def _limits(prop: dict[str, Any]) -> str:
    limits = [
        "non-empty" if (key, prop[key]) == ("minLength", 1) else text.format(prop[key])
        for key, text in _LIMITS
        if key in prop
    ]
    return f", {', '.join(limits)}" if limits else ""


def _table(head: list[str], rows: list[list[str]], nowrap: int = 1) -> str:
    """Cells are HTML already (escaped where they hold text); the first ``nowrap`` columns do not wrap."""
    lines = ["<table>", "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr></thead>", "<tbody>"]
    for row in rows:
        cells = [f'<td class="nowrap">{cell}</td>' if i < nowrap else f"<td>{cell}</td>" for i, cell in enumerate(row)]
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)
