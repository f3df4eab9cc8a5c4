/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`.
///
/// Written by hand rather than generated: five endpoints whose bodies are files, and whose records already have a
/// JSON Schema (`schemas/cli-record.json`, referenced by its `$id`).
enum OpenAPIDocument {
    static let json = """
        {
          "openapi": "3.1.0",
          "info": {
            "title": "CardKit",
            "version": "1",
            "description": "Validate and convert AI character cards (V1/V2/V3 JSON, PNG, CharX, YAML), and list the cards of the folder cardkit serve was started on. Records follow schemas/cli-record.json, as the CLI's --format json|jsonl. With --token, every request needs Authorization: Bearer TOKEN."
          },
          "servers": [{"url": "/"}],
          "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer", "description": "Needed only when the server was started with --token."}},
            "schemas": {
              "Record": {"$ref": "https://cardkit.dev/schemas/cli-record.json"},
              "Error": {
                "type": "object", "required": ["error"],
                "properties": {"error": {"type": "object", "required": ["status", "message"],
                  "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}}}
              },
              "Status": {
                "type": "object", "required": ["version", "allow_edit", "max_body_bytes", "folder", "index"],
                "properties": {
                  "version": {"type": "string"}, "allow_edit": {"type": "boolean"}, "max_body_bytes": {"type": "integer"},
                  "folder": {"type": ["string", "null"]},
                  "index": {"oneOf": [{"type": "null"}, {"type": "object", "required": ["indexed", "total", "complete", "generation"],
                    "properties": {"indexed": {"type": "integer"}, "total": {"type": "integer"}, "complete": {"type": "boolean"}, "generation": {"type": "integer"}}}]}
                }
              },
              "ConvertEnvelope": {
                "type": "object", "required": ["record", "report", "output"],
                "properties": {
                  "record": {"$ref": "#/components/schemas/Record"},
                  "report": {"type": "object", "description": "The loss report, as docs/loss-report.md describes."},
                  "output": {"type": "object", "required": ["name", "media_type", "base64"],
                    "properties": {"name": {"type": "string"}, "media_type": {"type": "string"}, "base64": {"type": "string", "contentEncoding": "base64"}}}
                }
              }
            },
            "parameters": {
              "name": {"name": "name", "in": "query", "schema": {"type": "string"}, "description": "The file's name, used in records and messages (default: body)."},
              "q": {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Words that must all appear in the name, tags or texts."},
              "tag": {"name": "tag", "in": "query", "schema": {"type": "string"}},
              "spec": {"name": "spec", "in": "query", "schema": {"enum": ["v1", "v2", "v3", "lorebook"]}},
              "container": {"name": "container", "in": "query", "schema": {"enum": ["png", "json", "charx", "yaml"]}},
              "validity": {"name": "validity", "in": "query", "schema": {"enum": ["strict", "lenient", "invalid", "unreadable"]}},
              "offset": {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
              "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}
            },
            "responses": {
              "BadRequest": {"description": "A parameter or the body is missing or wrong.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "TooLarge": {"description": "The body is larger than --max-body.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Unauthorized": {"description": "The server has a --token and the request did not carry it.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          },
          "security": [{}, {"token": []}],
          "paths": {
            "/api/v1/status": {
              "get": {"operationId": "status", "summary": "The server's version, settings and indexing progress.",
                "responses": {"200": {"description": "Status.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}}}
            },
            "/api/v1/cards": {
              "get": {"operationId": "listCards", "summary": "The folder's index: one inspect record per file, sorted by name.",
                "parameters": [{"$ref": "#/components/parameters/q"}, {"$ref": "#/components/parameters/tag"}, {"$ref": "#/components/parameters/spec"},
                  {"$ref": "#/components/parameters/container"}, {"$ref": "#/components/parameters/validity"}, {"$ref": "#/components/parameters/offset"},
                  {"$ref": "#/components/parameters/limit"}, {"name": "format", "in": "query", "schema": {"enum": ["json", "jsonl"]}}],
                "responses": {
                  "200": {"description": "Records; X-Total-Count says how many matched.",
                    "headers": {"X-Total-Count": {"schema": {"type": "integer"}}, "CardKit-Index-Complete": {"schema": {"enum": ["true", "false"]}}},
                    "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}}},
                      "application/jsonl": {"schema": {"type": "string"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "404": {"description": "The server was started without a folder.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }}
            },
            "/api/v1/validate": {
              "post": {"operationId": "validate", "summary": "Validate a card file of any container, a lorebook, a persona or a platform object.",
                "parameters": [{"$ref": "#/components/parameters/name"},
                  {"name": "schema", "in": "query", "schema": {"type": "string", "default": "auto"}, "description": "A schema name as cardkit validate --schema takes it."},
                  {"name": "profile", "in": "query", "schema": {"enum": ["strict", "lenient"], "default": "strict"}},
                  {"name": "decode-image", "in": "query", "schema": {"enum": ["true", "false"]}}],
                "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}},
                  "application/json": {"schema": {}}, "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}}}},
                "responses": {
                  "200": {"description": "One validation record in an array (ok is false when the file is invalid).",
                    "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"},
                  "413": {"$ref": "#/components/responses/TooLarge"}
                }}
            },
            "/api/v1/convert": {
              "post": {"operationId": "convert", "summary": "Convert a card, lorebook or persona to another spec, container or platform.",
                "parameters": [
                  {"name": "to", "in": "query", "required": true, "schema": {"enum": ["v1", "v2", "v3", "png", "charx", "book", "worldinfo", "spicychat", "chattr", "nextchat", "characterai"]}},
                  {"$ref": "#/components/parameters/name"},
                  {"name": "envelope", "in": "query", "schema": {"enum": ["json"]}, "description": "Answer with one JSON object holding the record, the loss report and the file in base64."},
                  {"name": "tag", "in": "query", "schema": {"type": "string"}, "description": "Spicychat: an extra tag (repeat the parameter)."},
                  {"name": "visibility", "in": "query", "schema": {"type": "string"}}, {"name": "title", "in": "query", "schema": {"type": "string"}},
                  {"name": "avatar", "in": "query", "schema": {"type": "string"}},
                  {"name": "inline-system-prompt", "in": "query", "schema": {"enum": ["true", "false"]}},
                  {"name": "dialog-markers", "in": "query", "schema": {"enum": ["true", "false"]}},
                  {"name": "drop-assets", "in": "query", "schema": {"enum": ["true", "false"]}},
                  {"name": "pretty", "in": "query", "schema": {"enum": ["true", "false"]}},
                  {"name": "v1-fields", "in": "query", "schema": {"enum": ["true", "false"]}}],
                "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}},
                "responses": {
                  "200": {"description": "The converted file. CardKit-Loss-Report holds the loss report's JSON in base64 (or too-large: use envelope=json).",
                    "headers": {"CardKit-Lossy": {"schema": {"enum": ["true", "false"]}}, "CardKit-Loss-Entries": {"schema": {"type": "integer"}},
                      "CardKit-Loss-Report": {"schema": {"type": "string"}}, "Content-Disposition": {"schema": {"type": "string"}}},
                    "content": {"application/json": {"schema": {}}, "image/png": {"schema": {"type": "string"}}, "application/zip": {"schema": {"type": "string"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"},
                  "413": {"$ref": "#/components/responses/TooLarge"},
                  "422": {"description": "The input cannot become the target (unreadable, or over a platform's limit); the message says why.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }}
            }
          }
        }
        """
}
