package providertest

import (
	"crypto/sha256"
	"net/http"
)

// EmbedDims is the length of the default vectors.
const EmbedDims = 8

// Vector is the default embedding of text: EmbedDims numbers in [-1, 1]
// taken from its SHA-256, so equal texts get equal vectors and tests can
// compute the expected answer.
func Vector(text string) []float64 {
	sum := sha256.Sum256([]byte(text))
	v := make([]float64, EmbedDims)
	for i := range v {
		v[i] = float64(sum[i])/127.5 - 1
	}
	return v
}

func (s *Server) serveEmbed(w http.ResponseWriter, r *http.Request, rec Recorded, rep Reply) {
	if !begin(w, r, rep) {
		return
	}
	vecs := rep.Embeddings
	if vecs == nil {
		for _, in := range rec.Embed.Input {
			vecs = append(vecs, Vector(in))
		}
	}
	data := make([]any, len(vecs))
	for i, v := range vecs {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": v}
	}
	model := rep.Model
	if model == "" {
		model = rec.Embed.Model
	}
	tokens := rep.PromptTokens
	if tokens == 0 {
		n := 0
		for _, in := range rec.Embed.Input {
			n += len(in)
		}
		tokens = roughTokens(n)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"object": "list", "data": data, "model": model,
		"usage": map[string]any{"prompt_tokens": tokens, "total_tokens": tokens},
	})
}
