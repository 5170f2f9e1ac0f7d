package tools

import (
	"encoding/json"
	"fmt"
)

// Param is one string parameter of a tool.
type Param struct {
	Name, Description string
}

// StringSchema is the JSON Schema of an object holding exactly params, all
// required strings.
func StringSchema(params ...Param) json.RawMessage {
	props := make(map[string]any, len(params))
	required := make([]string, 0, len(params))
	for _, p := range params {
		props[p.Name] = map[string]string{"type": "string", "description": p.Description}
		required = append(required, p.Name)
	}
	b, err := json.Marshal(map[string]any{
		"type": "object", "properties": props, "required": required, "additionalProperties": false,
	})
	if err != nil {
		panic(fmt.Sprintf("tools: string schema: %v", err)) // maps of strings always marshal
	}
	return b
}
