package providers

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"
	"time"
)

// responseCache is an exact-match cache of finished answers. It only ever
// holds answers to deterministic requests (temperature 0, not streamed),
// and its key covers the provider, the model and every request field, so a
// cheap model's answer is never served for a request that asked for
// another model or other parameters (the flaw in aiOS's gateway cache).
type responseCache struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	now   func() time.Time
	order *list.List // front = most recently used; values are *cacheEntry
	byKey map[string]*list.Element
}

type cacheEntry struct {
	key    string
	resp   Response
	stored time.Time
}

func newResponseCache(size int, ttl time.Duration, now func() time.Time) *responseCache {
	return &responseCache{size: size, ttl: ttl, now: now, order: list.New(), byKey: map[string]*list.Element{}}
}

// cacheable reports whether a call's answer may be cached: only an explicit
// temperature of 0 makes an answer repeatable enough, and a streamed call
// wants to see text arrive.
func cacheable(c Call) bool {
	return c.Request.Temperature != nil && *c.Request.Temperature == 0 && c.OnDelta == nil
}

// cacheKeyFields is the canonical form hashed into a key. encoding/json
// writes struct fields in declaration order and compacts raw JSON, so equal
// requests give equal bytes.
type cacheKeyFields struct {
	Provider    string    `json:"provider"`
	Model       string    `json:"model"`
	Messages    []Message `json:"messages"`
	Tools       []Tool    `json:"tools"`
	JSON        bool      `json:"json"`
	MaxTokens   int       `json:"max_tokens"`
	Temperature *float64  `json:"temperature"`
}

// cacheKey is the sha256 of the canonical JSON of provider, model and
// request. It fails only for tool parameters that are not valid JSON, and
// such a request is then simply not cached.
func cacheKey(provider string, req Request) (string, bool) {
	b, err := json.Marshal(cacheKeyFields{
		Provider: provider, Model: req.Model, Messages: req.Messages, Tools: req.Tools,
		JSON: req.JSON, MaxTokens: req.MaxTokens, Temperature: req.Temperature,
	})
	if err != nil {
		return "", false
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), true
}

// get returns a live entry and marks it recently used; an expired entry is
// removed.
func (c *responseCache) get(key string) (Response, bool) {
	if c == nil {
		return Response{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return Response{}, false
	}
	e := el.Value.(*cacheEntry)
	if c.now().Sub(e.stored) >= c.ttl {
		c.order.Remove(el)
		delete(c.byKey, key)
		return Response{}, false
	}
	c.order.MoveToFront(el)
	return cloneResponse(e.resp), true
}

// put stores resp, evicting the least recently used entry when full.
func (c *responseCache) put(key string, resp Response) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		e := el.Value.(*cacheEntry)
		e.resp, e.stored = cloneResponse(resp), c.now()
		c.order.MoveToFront(el)
		return
	}
	for c.order.Len() >= c.size {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.byKey, oldest.Value.(*cacheEntry).key)
	}
	c.byKey[key] = c.order.PushFront(&cacheEntry{key: key, resp: cloneResponse(resp), stored: c.now()})
}

// len returns the number of entries, expired ones included.
func (c *responseCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// cloneResponse copies the tool-call slice so a caller changing its result
// cannot change the cached answer.
func cloneResponse(r Response) Response {
	if r.ToolCalls != nil {
		r.ToolCalls = append([]ToolCall(nil), r.ToolCalls...)
	}
	return r
}
