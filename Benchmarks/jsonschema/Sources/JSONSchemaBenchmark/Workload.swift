import CardKitJSON

/// The benchmark's inputs: a V3-like card schema and a large generated V3 card.
enum Workload {
    /// A Draft 2020-12 schema shaped like the V3 card spec (types, required fields, enums, bounds, a pattern,
    /// `$ref`s into `$defs`, and the lorebook entry shape applied to every entry).
    static let schemaText = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://cardkit.example/bench/v3-card.json",
          "type": "object",
          "required": ["spec", "spec_version", "data"],
          "properties": {
            "spec": {"const": "chara_card_v3"},
            "spec_version": {"type": "string", "pattern": "^3\\.[0-9]+$"},
            "data": {"$ref": "#/$defs/data"}
          },
          "$defs": {
            "stringList": {"type": "array", "items": {"type": "string"}},
            "data": {
              "type": "object",
              "required": ["name", "description", "personality", "scenario", "first_mes", "mes_example",
                           "creator_notes", "system_prompt", "post_history_instructions", "alternate_greetings",
                           "tags", "creator", "character_version", "extensions", "group_only_greetings"],
              "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 256},
                "description": {"type": "string"},
                "personality": {"type": "string"},
                "scenario": {"type": "string"},
                "first_mes": {"type": "string"},
                "mes_example": {"type": "string"},
                "creator_notes": {"type": "string"},
                "system_prompt": {"type": "string"},
                "post_history_instructions": {"type": "string"},
                "alternate_greetings": {"$ref": "#/$defs/stringList"},
                "group_only_greetings": {"$ref": "#/$defs/stringList"},
                "tags": {"$ref": "#/$defs/stringList"},
                "creator": {"type": "string"},
                "character_version": {"type": "string"},
                "nickname": {"type": "string"},
                "source": {"$ref": "#/$defs/stringList"},
                "creation_date": {"type": "integer", "minimum": 0},
                "modification_date": {"type": "integer", "minimum": 0},
                "creator_notes_multilingual": {"type": "object", "additionalProperties": {"type": "string"}},
                "extensions": {"type": "object"},
                "assets": {"type": "array", "items": {"$ref": "#/$defs/asset"}},
                "character_book": {"$ref": "#/$defs/book"}
              }
            },
            "asset": {
              "type": "object",
              "required": ["type", "uri", "name", "ext"],
              "properties": {
                "type": {"type": "string"}, "uri": {"type": "string"}, "name": {"type": "string"}, "ext": {"type": "string"}
              }
            },
            "book": {
              "type": "object",
              "required": ["extensions", "entries"],
              "properties": {
                "name": {"type": "string"},
                "description": {"type": "string"},
                "scan_depth": {"type": "integer", "minimum": 0},
                "token_budget": {"type": "integer", "minimum": 0},
                "recursive_scanning": {"type": "boolean"},
                "extensions": {"type": "object"},
                "entries": {"type": "array", "items": {"$ref": "#/$defs/entry"}}
              }
            },
            "entry": {
              "type": "object",
              "required": ["keys", "content", "extensions", "enabled", "insertion_order", "use_regex"],
              "properties": {
                "keys": {"$ref": "#/$defs/stringList"},
                "content": {"type": "string"},
                "extensions": {"type": "object"},
                "enabled": {"type": "boolean"},
                "insertion_order": {"type": "number"},
                "case_sensitive": {"type": "boolean"},
                "use_regex": {"type": "boolean"},
                "constant": {"type": "boolean"},
                "name": {"type": "string"},
                "priority": {"type": "number"},
                "id": {"type": ["number", "string"]},
                "comment": {"type": "string"},
                "selective": {"type": "boolean"},
                "secondary_keys": {"$ref": "#/$defs/stringList"},
                "position": {"enum": ["before_char", "after_char"]}
              }
            }
          }
        }
        """#

    /// A V3 card with a lorebook of `entries` entries, deterministic.
    static func card(entries: Int) -> JSONValue {
        let paragraph = "The lighthouse keeper remembers every ship that passed, 灯台守はすべての船を覚えている 🌊. "
        var book: [JSONValue] = []
        book.reserveCapacity(entries)
        for index in 0..<entries {
            book.append([
                "keys": [.string("keyword\(index)"), .string("alias \(index)"), .string("名前\(index)")],
                "content": .string(String(repeating: paragraph, count: 3) + "Entry \(index)."),
                "extensions": ["depth": 4, "probability": 100, "group": ""],
                "enabled": .bool(index % 7 != 0),
                "insertion_order": .number(JSONNumber(index)),
                "case_sensitive": false,
                "use_regex": false,
                "constant": .bool(index % 50 == 0),
                "name": .string("Entry \(index)"),
                "priority": 10,
                "id": .number(JSONNumber(index)),
                "comment": .string("generated entry \(index)"),
                "selective": true,
                "secondary_keys": [.string("second\(index)")],
                "position": .string(index % 2 == 0 ? "before_char" : "after_char"),
            ])
        }
        return [
            "spec": "chara_card_v3",
            "spec_version": "3.0",
            "data": [
                "name": "Mira of the Tidewatch",
                "description": .string(String(repeating: paragraph, count: 20)),
                "personality": "Patient, dry-humoured, protective.",
                "scenario": "A storm closes the harbour.",
                "first_mes": .string(String(repeating: paragraph, count: 4)),
                "mes_example": "<START>\n{{user}}: Hello?\n{{char}}: Mind the stairs.",
                "creator_notes": "Generated for the CardKit validation benchmark.",
                "system_prompt": "",
                "post_history_instructions": "",
                "alternate_greetings": ["Another greeting.", "A third greeting."],
                "group_only_greetings": [],
                "tags": ["fantasy", "lighthouse", "benchmark"],
                "creator": "CardKit",
                "character_version": "1.0",
                "nickname": "Mira",
                "source": ["https://example.com/mira"],
                "creation_date": 1_700_000_000,
                "modification_date": 1_700_000_500,
                "creator_notes_multilingual": ["en": "English notes", "ja": "日本語のメモ"],
                "extensions": ["talkativeness": "0.5", "fav": false],
                "assets": [["type": "icon", "uri": "ccdefault:", "name": "main", "ext": "png"]],
                "character_book": [
                    "name": "Tidewatch lore",
                    "description": "Everything about the harbour.",
                    "scan_depth": 4,
                    "token_budget": 2048,
                    "recursive_scanning": false,
                    "extensions": [:],
                    "entries": .array(book),
                ],
            ],
        ]
    }
}
