"""The specs of the probe and diff rules' examples, built from one template each.

Those rules differ in a line or two of the same certificates API (which server mode, which
`on-omit`, whether `snis` is required); writing each spec out in full made ten near-copies.
`putlint explain` prints the built spec, and the rule tests run it like any other example.
"""

from __future__ import annotations

HEAD = "# --- head: the same spec after the change ---\n"


def _marker(rules: str) -> str:
    return f"  # expect: {rules}" if rules else ""


def reference_api(server: str, expect: str = "", mark: str = "x-critical: true",
                  required: str = "[cert, key, snis]", get: bool = True,
                  min_items: bool = True) -> str:
    """The certificate upsert of the reference server, to probe in `server` mode."""
    get_block = "    get:\n      responses: {'200': {description: the certificate}}\n" \
        if get else ""
    min_line = "                  minItems: 1\n" if min_items else ""
    return f"""# reference-server: {server}
openapi: 3.1.0
info: {{title: Certificates, version: '1'}}
paths:
  /v2/control-planes/{{cp}}/core-entities/certificates/{{id}}:
    parameters:
      - {{name: cp, in: path, required: true, schema: {{type: string, format: uuid}}}}
      - {{name: id, in: path, required: true, schema: {{type: string, format: uuid}}}}
{get_block}    delete:
      responses: {{'204': {{description: deleted}}}}
    put:{_marker(expect)}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: {required}
              properties:
                cert: {{type: string}}
                key: {{type: string}}
                snis:
                  type: array
{min_line}                  items: {{type: string, format: hostname}}
                  {mark}
      responses:
        '200': {{description: stored}}
        '400': {{description: snis is missing}}
"""


def certificates(required: str = "[cert, snis]", mark: str = "x-critical: true",
                 body_required: str = "true", rejection: bool = True, snis: bool = True,
                 min_items: bool = True, at_snis: str = "", at_responses: str = "",
                 at_body: str = "", at_schema: str = "") -> str:
    """A certificates API; the `at_*` arguments put `# expect:` markers on those lines."""
    rejection_line = "        '400': {description: snis is missing}\n" if rejection else ""
    min_line = "          minItems: 1\n" if min_items else ""
    snis_block = f"""        snis:{_marker(at_snis)}
          type: array
{min_line}          items: {{type: string}}
          {mark}
""" if snis else ""
    return f"""openapi: 3.1.0
info: {{title: Certificates, version: '1'}}
paths:
  /certificates/{{id}}:
    parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]
    put:
      requestBody:{_marker(at_body)}
        required: {body_required}
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/Certificate'}}{_marker(at_schema)}
      responses:{_marker(at_responses)}
        '200': {{description: stored}}
{rejection_line}components:
  schemas:
    Certificate:
      type: object
      required: {required}
      properties:
        cert: {{type: string}}
{snis_block}"""


def change(base: str, head: str) -> str:
    """A diff rule's example: base, the separator line, head."""
    return base + HEAD + head


def unmarked(spec: str) -> str:
    """The spec without its `# expect:` markers (for the reverse, safe change)."""
    return "".join(line.split("  # expect")[0] + "\n" for line in spec.splitlines())
