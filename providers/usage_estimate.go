package providers

// estimateUsage fills in token counts when the provider sent none (a
// stream without its usage chunk, a local server that never counts), so a
// call is never recorded as free: the prompt as the context guard counts
// it, the answer at four bytes a token. Usage.Estimated marks the figures.
func estimateUsage(req Request, out *Response) {
	if out.Usage.PromptTokens > 0 || out.Usage.CompletionTokens > 0 {
		return
	}
	answer := estimateTokens(out.Content)
	for _, tc := range out.ToolCalls {
		answer += estimateTokens(tc.Name) + estimateTokens(tc.Arguments)
	}
	prompt := toolTokens(req.Tools)
	for _, m := range req.Messages {
		prompt += messageTokens(m)
	}
	out.Usage.PromptTokens = int64(prompt)
	out.Usage.CompletionTokens = int64(max(answer, 1))
	out.Usage.Estimated = true
}
