package providers

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/openai/openai-go/v3"
)

// params maps a Request to the SDK's parameters. Optional settings are
// sent only when set, so each server applies its own defaults.
func (p *OpenAI) params(req Request) (openai.ChatCompletionNewParams, error) {
	if p.urlErr != nil {
		return openai.ChatCompletionNewParams{}, p.newError(Unavailable, req.Model, p.urlErr.Error())
	}
	params := openai.ChatCompletionNewParams{Model: req.Model}
	for i, m := range req.Messages {
		switch m.Role {
		case RoleSystem:
			params.Messages = append(params.Messages, openai.SystemMessage(m.Content))
		case RoleUser:
			params.Messages = append(params.Messages, openai.UserMessage(m.Content))
		case RoleAssistant:
			params.Messages = append(params.Messages, assistantMessage(m))
		case RoleTool:
			params.Messages = append(params.Messages, openai.ToolMessage(m.Content, m.ToolCallID))
		default:
			return params, p.newError(BadRequest, req.Model, fmt.Sprintf("message %d has the unknown role %q", i, m.Role))
		}
	}
	if req.Temperature != nil {
		params.Temperature = openai.Float(*req.Temperature)
	}
	if req.MaxTokens > 0 {
		// max_tokens, not max_completion_tokens: it is the one every
		// OpenAI-compatible server (OpenRouter, Ollama, llama.cpp, vLLM) reads.
		params.MaxTokens = openai.Int(int64(req.MaxTokens))
	}
	if req.JSON {
		params.ResponseFormat.OfJSONObject = &openai.ResponseFormatJSONObjectParam{}
	}
	for _, tool := range req.Tools {
		fn, err := functionTool(tool)
		if err != nil {
			return params, p.newError(BadRequest, req.Model, err.Error())
		}
		params.Tools = append(params.Tools, fn)
	}
	return params, nil
}

func assistantMessage(m Message) openai.ChatCompletionMessageParamUnion {
	var a openai.ChatCompletionAssistantMessageParam
	if m.Content != "" || len(m.ToolCalls) == 0 {
		a.Content.OfString = openai.String(m.Content)
	}
	for _, tc := range m.ToolCalls {
		a.ToolCalls = append(a.ToolCalls, openai.ChatCompletionMessageToolCallUnionParam{
			OfFunction: &openai.ChatCompletionMessageFunctionToolCallParam{
				ID:       tc.ID,
				Function: openai.ChatCompletionMessageFunctionToolCallFunctionParam{Name: tc.Name, Arguments: tc.Arguments},
			},
		})
	}
	return openai.ChatCompletionMessageParamUnion{OfAssistant: &a}
}

// functionTool maps a Tool. The schema's top-level values are passed as raw
// JSON: decoding them into Go values first would turn large integers into
// floats, and the SDK writes json.Number values as strings.
func functionTool(t Tool) (openai.ChatCompletionToolUnionParam, error) {
	def := openai.FunctionDefinitionParam{Name: t.Name}
	if t.Description != "" {
		def.Description = openai.String(t.Description)
	}
	if len(bytes.TrimSpace(t.Parameters)) > 0 {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(t.Parameters, &fields); err != nil {
			return openai.ChatCompletionToolUnionParam{}, fmt.Errorf("the parameters of tool %q are not a JSON object: %w", t.Name, err)
		}
		def.Parameters = make(openai.FunctionParameters, len(fields))
		for k, v := range fields {
			def.Parameters[k] = v
		}
	}
	return openai.ChatCompletionFunctionTool(def), nil
}
