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
func StringSchema(params ...Param) json.RawMessage { return StringSchemaWith(params) }

// StringSchemaWith is StringSchema of required, with optional strings
// besides that a call may leave out.
func StringSchemaWith(required []Param, optional ...Param) json.RawMessage {
	props := make(map[string]any, len(required)+len(optional))
	names := make([]string, 0, len(required))
	for _, p := range required {
		props[p.Name] = map[string]string{"type": "string", "description": p.Description}
		names = append(names, p.Name)
	}
	for _, p := range optional {
		props[p.Name] = map[string]string{"type": "string", "description": p.Description}
	}
	b, err := json.Marshal(map[string]any{
		"type": "object", "properties": props, "required": names, "additionalProperties": false,
	})
	if err != nil {
		panic(fmt.Sprintf("tools: string schema: %v", err)) // maps of strings always marshal
	}
	return b
}
