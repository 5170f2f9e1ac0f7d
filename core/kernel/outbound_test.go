package kernel_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/agent"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/approvals/approvalstest"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/modeltest"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/store"
)

// Canary secrets: distinctive, and shaped like no known token, so only
// the kernel's knowledge of them (not a pattern) can keep them out.
const (
	canaryOpenRouter = "orKEYcanary7Qx2Lm9Pw4Rt8"
	canaryAPIKey     = "apiKEYcanary3Nb6Vc1Zx5"
	canaryBasePass   = "basePWcanary8Hj2Kl4"
	canaryProvKey    = "provKEYcanary5Tg7Yh9"
	canaryProvURL    = "provURLPWcanary2Df4"
	canaryDotToken   = "dotenvTOKcanary6Sa8Qw"
	canaryDotPass    = "dotenvPWcanary1Er3"
	canaryDBURL      = "dbURLPWcanary4Ui6"
	canaryDoorCode   = "doorCODEcanary9Op2As"
	canaryPIN        = "7351" // short: must go as a whole word
	// .env values under names that name no secret: every value in
	// Macroa's own .env files that is no known setting is one.
	canaryDotAuth   = "CANARYAUTH_1"
	canaryDotStripe = "rk_live_CANARYSTRIPE"
	// Logins stored as facts; the gmail one holds a password after a colon.
	canaryGmailPass = "CANARY10gm"
	canaryBankLogin = "CANARY6bank"
	// A token as a base URL's user name (no password).
	canaryUserTok = "CANARYUSERTOK"
	// Shaped secrets, caught by their shape alone.
	canaryGitHub = "ghp_canaryGH0123456789abcdefABCDEF"
	canaryPEM    = "MIIEcanaryPEMbodyLineQWERTY0123456789abcdef"
	canaryGoogle = "AIzaSyCANARYgoogle0123456789abcdefghijk"
	canarySlack  = "https://hooks.slack.com/services/T0CANARY/B0CANARY/canarySlackHook0123"
	canaryDO     = "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

var canaries = []string{canaryOpenRouter, canaryAPIKey, canaryBasePass, canaryProvKey, canaryProvURL,
	canaryDotToken, canaryDotPass, canaryDBURL, canaryDoorCode, canaryDotAuth, canaryDotStripe,
	canaryGmailPass, canaryBankLogin, canaryUserTok, canaryGitHub, canaryGoogle, canarySlack, canaryDO, canaryPEM}

var pinWord = regexp.MustCompile(`\b` + canaryPIN + `\b`)

// notesText is a file of shaped secrets: GitHub, Google and DigitalOcean
// tokens, a Slack webhook and a private key.
const notesText = "deploy notes\n" + canaryGitHub + "\ngoogle " + canaryGoogle + "\nslack: " + canarySlack +
	"\ndo=" + canaryDO + "\n-----BEGIN OPENSSH PRIVATE KEY-----\n" + canaryPEM + "\n-----END OPENSSH PRIVATE KEY-----\n"

// hostileEcho is what a hostile model (or a tool) repeats back: every
// secret the kernel knows of, bare, and the file of shaped ones.
var hostileEcho = strings.Join(canaries[:len(canaries)-1], " ") + " pin " + canaryPIN + "\n" + notesText

// leakFixture is a kernel whose configuration holds every kind of secret,
// with a data directory holding a .env and a file of shaped secrets, and
// a model layer that is the test server for every tier.
type leakFixture struct {
	k   *kernel.Kernel
	db  *store.DB
	dir string
	srv *providertest.Server
	// ask is a real approval queue over db where the person approves
	// everything: what a model proposes runs, so its output can leak.
	ask approvals.AskFunc

	mu    sync.Mutex
	kinds map[string]int // model calls seen, by what asked
}

func newLeakFixture(t *testing.T, env ...string) *leakFixture {
	t.Helper()
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(".env", "GITHUB_TOKEN="+canaryDotToken+"\nDB_PASSWORD="+canaryDotPass+
		"\nDATABASE_URL=postgres://app:"+canaryDBURL+"@db.internal/prod\nTHEME=dark\n"+
		"AUTH="+canaryDotAuth+"\nSTRIPE="+canaryDotStripe+"\n")
	write("config.toml", "[providers.local]\nbase_url = \"http://u:"+canaryProvURL+"@127.0.0.1:9/v1\"\napi_key = \""+canaryProvKey+"\"\n"+
		"[providers.tok]\nbase_url = \"http://"+canaryUserTok+"@127.0.0.1:9/v1\"\n")
	write("notes.txt", notesText)
	secretEnv := []string{
		"OPENROUTER_API_KEY=" + canaryOpenRouter,
		"MACROA_API_KEY=" + canaryAPIKey,
		"MACROA_BASE_URL=http://ann:" + canaryBasePass + "@127.0.0.1:9/v1",
	}
	// A test may set its own base URL in place of the default one.
	for _, kv := range env {
		if strings.HasPrefix(kv, "MACROA_BASE_URL=") {
			secretEnv[2] = kv
		}
	}
	// The user's shell sees them too, so !env and !printenv print them.
	for _, kv := range secretEnv {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	cfg, err := config.Load(config.LoadOptions{
		Environ:  append(append([]string{"MACROA_HOME=" + dir}, secretEnv...), env...),
		WorkDir:  dir,
		UserHome: dir,
	})
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	db, err := store.Open(context.Background(), filepath.Join(dir, "macroa.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &leakFixture{db: db, dir: dir, srv: providertest.New(t), kinds: map[string]int{}}
	f.ask = queueOver(t, db).Asker(approvalstest.Approve)
	// Every tier goes to the test server, whatever the configuration names.
	models := func(context.Context) (providers.Caller, error) {
		return modeltest.Gateway(f.srv, modeltest.TierModels, modeltest.OneAttempt), nil
	}
	f.k = kernel.New(kernel.Options{Config: cfg, DB: db, Environ: []string{"SHELL=/bin/sh"}, WorkDir: dir, UserHome: dir, Models: models})
	// Secret facts, stored the way a person stores them (no model).
	for _, in := range []string{"remember my door code is " + canaryDoorCode, "remember my bank pin is " + canaryPIN,
		"remember my gmail login is me:" + canaryGmailPass, "remember bank login is " + canaryBankLogin} {
		if res := f.run(t, in, ""); !res.Success {
			t.Fatalf("%s: %+v", in, res)
		}
	}
	return f
}

// kindOf names what asked for a recorded call, from its system prompt.
func kindOf(r providertest.Recorded) string {
	sys := ""
	if len(r.Chat.Messages) > 0 {
		sys = r.Chat.Messages[0].Content
	}
	for _, k := range []struct{ marker, kind string }{
		{"intent router", "classifier"},
		{"ATOMIC or COMPLEX", "planner"},
		{"assemble the results", "combiner"},
		{"Summarise this part of a conversation", "compaction"},
		{"summarise the output of a tool", "tool-summary"},
		{"system administrator", "agent"},
		{"personal AI OS", "chat"},
	} {
		if strings.Contains(sys, k.marker) {
			return k.kind
		}
	}
	return "other"
}

// serve answers every call through fn, counting calls by kind.
func (f *leakFixture) serve(fn func(kind string, n int, r providertest.Recorded) providertest.Reply) {
	f.srv.Handle(func(r providertest.Recorded) providertest.Reply {
		kind := kindOf(r)
		f.mu.Lock()
		f.kinds[kind]++
		n := f.kinds[kind]
		f.mu.Unlock()
		return fn(kind, n, r)
	})
}

func (f *leakFixture) run(t *testing.T, input, session string) kernel.Result {
	t.Helper()
	return f.k.Run(context.Background(), kernel.Request{Input: input, Session: session, Source: kernel.SourceREPL,
		Ask: f.ask})
}

// assertNoLeak checks every request the server recorded, byte for byte,
// and reports how many cases (request × secret) were checked.
func (f *leakFixture) assertNoLeak(t *testing.T, wantKinds ...string) int {
	t.Helper()
	reqs := f.srv.Requests()
	if len(reqs) == 0 {
		t.Fatal("no model call was made: nothing was tested")
	}
	for _, k := range wantKinds {
		if f.kinds[k] == 0 {
			t.Errorf("no %s call was made (calls: %v)", k, f.kinds)
		}
	}
	cases := 0
	for i, r := range reqs {
		body := string(r.Body)
		for _, c := range canaries {
			cases++
			if strings.Contains(body, c) {
				t.Errorf("request %d (%s) carries secret %q:\n%s", i, kindOf(r), c, body)
			}
		}
		cases++
		if pinWord.MatchString(body) {
			t.Errorf("request %d (%s) carries the PIN:\n%s", i, kindOf(r), body)
		}
	}
	return cases
}

func TestOutboundNoSecretReachesAModel(t *testing.T) {
	// A hostile model echoes every secret it could know of into its answers.
	echo := hostileEcho
	tests := []struct {
		name  string
		env   []string
		kinds []string
		drive func(t *testing.T, f *leakFixture)
	}{
		{
			name:  "chat after shell output of secrets in the session",
			kinds: []string{"classifier", "chat"},
			drive: func(t *testing.T, f *leakFixture) {
				f.serve(func(kind string, _ int, _ providertest.Recorded) providertest.Reply {
					if kind == "classifier" {
						return classifiedAs("chat")
					}
					return providertest.Reply{Content: "a joke"}
				})
				for _, in := range []string{"!env", "!printenv MACROA_API_KEY OPENROUTER_API_KEY MACROA_BASE_URL",
					"!cat .env", "!cut -d= -f2 .env", "!cat config.toml", "!cat notes.txt", "list my memories"} {
					if res := f.run(t, in, "s"); !res.Success {
						t.Fatalf("%s: %+v", in, res)
					}
				}
				if res := f.run(t, "tell me a joke about what you just saw", "s"); !res.Success {
					t.Fatalf("chat: %+v", res)
				}
			},
		},
		{
			name:  "a token as the base URL's user name",
			env:   []string{"MACROA_BASE_URL=http://" + canaryUserTok + "@127.0.0.1:9/v1"},
			kinds: []string{"classifier", "chat"},
			drive: func(t *testing.T, f *leakFixture) {
				f.serve(func(kind string, _ int, _ providertest.Recorded) providertest.Reply {
					if kind == "classifier" {
						return classifiedAs("chat")
					}
					return providertest.Reply{Content: "ok " + canaryUserTok}
				})
				for _, in := range []string{"!env", "!printenv MACROA_BASE_URL", "!cat .env"} {
					if res := f.run(t, in, "tok"); !res.Success {
						t.Fatalf("%s: %+v", in, res)
					}
				}
				if res := f.run(t, "what did env print", "tok"); !res.Success {
					t.Fatalf("chat: %+v", res)
				}
			},
		},
		{
			name:  "secret facts in the prompt and in history",
			kinds: []string{"classifier", "chat"},
			drive: func(t *testing.T, f *leakFixture) {
				f.serve(func(kind string, _ int, _ providertest.Recorded) providertest.Reply {
					if kind == "classifier" {
						return classifiedAs("chat")
					}
					return providertest.Reply{Content: "noted"}
				})
				for _, in := range []string{"remember my door code is " + canaryDoorCode, "remember my bank pin is " + canaryPIN,
					"remember my editor is helix"} {
					if res := f.run(t, in, "s"); !res.Success {
						t.Fatalf("%s: %+v", in, res)
					}
				}
				for _, key := range []string{"door_code", "bank_pin", "editor"} {
					if ok, err := f.db.SetPinned(context.Background(), "", key, true); !ok || err != nil {
						t.Fatalf("pin %s: %v %v", key, ok, err)
					}
				}
				// Shown to the person on request, without a model.
				res := f.run(t, "what is my door code", "s")
				if !strings.Contains(res.Output, canaryDoorCode) || res.LLMCalls != 0 {
					t.Fatalf("the person cannot see their own secret: %+v", res)
				}
				if res := f.run(t, "which door code and bank pin do I use", "s"); !res.Success {
					t.Fatalf("chat: %+v", res)
				}
				sys := answerRequests(f.srv)[0].Chat.Messages[0].Content
				if !strings.Contains(sys, "**editor**: helix") {
					t.Errorf("an ordinary fact did not reach the prompt:\n%s", sys)
				}
				if !strings.Contains(sys, "**door_code**: (kept secret") {
					t.Errorf("the secret fact is not named as kept secret:\n%s", sys)
				}
			},
		},
		{
			name:  "planner steps and combiner",
			kinds: []string{"classifier", "planner", "chat", "combiner"},
			drive: func(t *testing.T, f *leakFixture) {
				f.serve(func(kind string, _ int, _ providertest.Recorded) providertest.Reply {
					switch kind {
					case "classifier":
						return classifiedAs("chat")
					case "planner":
						steps, _ := json.Marshal(map[string]any{"is_complex": true, "steps": []map[string]string{
							{"subtask": "check the key " + canaryOpenRouter + " and " + canaryDotToken, "tier": "nano"},
							{"subtask": "write the report with " + canaryDotPass, "tier": "haiku"},
						}})
						return providertest.Reply{Content: string(steps)}
					}
					return providertest.Reply{Content: "step result " + echo}
				})
				in := "First check whether my token " + canaryDotToken + " and the key " + canaryOpenRouter +
					" still work against the server, then write me a detailed report about the outcome of the checks."
				if res := f.run(t, in, ""); !res.Success || res.PlanSteps != 2 {
					t.Fatalf("plan: %+v", res)
				}
			},
		},
		{
			name:  "agent tool output and arguments",
			kinds: []string{"classifier", "agent", "tool-summary"},
			drive: func(t *testing.T, f *leakFixture) {
				big := strings.Repeat("padding line of a long log file\n", 400) + echo + "\n"
				if err := os.WriteFile(filepath.Join(f.dir, "big.log"), []byte(big), 0o600); err != nil {
					t.Fatal(err)
				}
				f.serve(func(kind string, n int, r providertest.Recorded) providertest.Reply {
					switch {
					case kind == "classifier":
						return classifiedAs("agent")
					case kind == "tool-summary":
						return providertest.Reply{Content: "the log mentions " + echo}
					case kind == "agent" && n == 1:
						return providertest.Reply{ToolCalls: []providertest.ToolCall{
							{ID: "c1", Name: string(agent.ToolRunCommand), Arguments: `{"command":"cat .env; printenv MACROA_API_KEY"}`},
							{ID: "c2", Name: string(agent.ToolReadFile), Arguments: `{"path":"notes.txt"}`},
							{ID: "c3", Name: string(agent.ToolRecall), Arguments: `{"query":"door code"}`},
							{ID: "c6", Name: string(agent.ToolRecall), Arguments: `{"query":"login"}`},
							{ID: "c4", Name: string(agent.ToolRunCommand), Arguments: `{"command":"printf '%s %s' ` + canaryOpenRouter + ` ` + canaryDoorCode + `"}`},
							{ID: "c5", Name: string(agent.ToolRunCommand), Arguments: `{"command":"cat big.log"}`},
						}}
					case kind == "agent":
						// Round 2 carries round 1's calls: their arguments are still JSON.
						for _, m := range r.Chat.Messages {
							for _, tc := range m.ToolCalls {
								if !json.Valid([]byte(tc.Function.Arguments)) {
									t.Errorf("tool call arguments are no longer JSON: %q", tc.Function.Arguments)
								}
							}
						}
						return providertest.Reply{Content: "done: " + echo}
					}
					return providertest.Reply{Content: "ok"}
				})
				if res := f.run(t, "look around my data directory and tell me what is there", ""); !res.Success {
					t.Fatalf("agent: %+v", res)
				}
			},
		},
		{
			name:  "compaction and the episodes it writes",
			env:   []string{"MACROA_CONTEXT_WINDOW=2"},
			kinds: []string{"classifier", "chat", "compaction"},
			drive: func(t *testing.T, f *leakFixture) {
				f.serve(func(kind string, _ int, _ providertest.Recorded) providertest.Reply {
					switch kind {
					case "classifier":
						return classifiedAs("chat")
					case "compaction":
						// A hostile summary: it is stored, then offered to chat.
						return providertest.Reply{Content: "The user printed their secrets: " + echo}
					}
					return providertest.Reply{Content: "an answer"}
				})
				for _, in := range []string{"!cat .env", "!printenv MACROA_API_KEY", "!cat notes.txt", "what does the weather look like",
					"and tomorrow", "and the day after", "and next week", "thanks, anything else"} {
					if res := f.run(t, in, "long"); !res.Success {
						t.Fatalf("%s: %+v", in, res)
					}
				}
				sess, _, _ := f.db.SessionByName(context.Background(), "long")
				if eps, _ := f.db.RecentEpisodes(context.Background(), sess.ID, 10); len(eps) == 0 {
					t.Fatal("no episode was written")
				}
			},
		},
	}
	total := 0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newLeakFixture(t, tc.env...)
			tc.drive(t, f)
			total += f.assertNoLeak(t, tc.kinds...)
		})
	}
	t.Logf("secret-leak cases checked: %d", total)
}

// Ordinary text is not over-redacted on its way out: the user's words,
// an ordinary fact and the agent's own prompt arrive as written.
func TestOutboundKeepsOrdinaryText(t *testing.T) {
	f := newLeakFixture(t)
	f.serve(func(kind string, n int, _ providertest.Recorded) providertest.Reply {
		switch {
		case kind == "classifier" && f.kinds["classifier"] == 1:
			return classifiedAs("chat")
		case kind == "classifier":
			return classifiedAs("agent")
		}
		return providertest.Reply{Content: "fine"}
	})
	if res := f.run(t, "remember my editor is helix", "s"); !res.Success {
		t.Fatal(res.Error)
	}
	if _, err := f.db.SetPinned(context.Background(), "", "editor", true); err != nil {
		t.Fatal(err)
	}
	const q = "the password is wrong and the secret is to wait: which max_tokens: 2048 setting and port 7351x should I use?"
	if res := f.run(t, q, "s"); !res.Success {
		t.Fatal(res.Error)
	}
	if res := f.run(t, "check the disk usage of my home directory", ""); !res.Success {
		t.Fatal(res.Error)
	}
	chat := answerRequests(f.srv)[0].Chat.Messages
	if !strings.Contains(chat[0].Content, "**editor**: helix") {
		t.Errorf("the fact did not reach the prompt:\n%s", chat[0].Content)
	}
	if last := chat[len(chat)-1].Content; last != q {
		t.Errorf("the question was changed on its way out:\n got %q\nwant %q", last, q)
	}
	var agentSys string
	for _, r := range f.srv.ChatRequests() {
		if kindOf(r) == "agent" {
			agentSys = r.Chat.Messages[0].Content
		}
	}
	if agentSys != agent.SystemPrompt() {
		t.Errorf("the agent's system prompt was changed on its way out:\n%s", agentSys)
	}
}

// A secret stored in the middle of an agent run is kept from every later
// call, even in a long message already sent (and remembered) unredacted.
func TestOutboundLearnsSecretsStoredMidRun(t *testing.T) {
	const v = "vaultPWcanary3Zm8Xc"
	f := newLeakFixture(t)
	f.serve(func(kind string, n int, _ providertest.Recorded) providertest.Reply {
		switch {
		case kind == "classifier":
			return classifiedAs("agent")
		case kind == "agent" && n == 1:
			return providertest.Reply{ToolCalls: []providertest.ToolCall{
				{ID: "c1", Name: string(agent.ToolRemember), Arguments: `{"key":"vault password","value":"` + v + `"}`}}}
		case kind == "agent" && n == 2:
			return providertest.Reply{ToolCalls: []providertest.ToolCall{
				{ID: "c2", Name: string(agent.ToolRecall), Arguments: `{"query":"vault"}`}}}
		}
		return providertest.Reply{Content: "stored"}
	})
	in := "keep this for me, it opens the vault: " + v + " " + strings.Repeat("(and some context) ", 40)
	if res := f.run(t, in, ""); !res.Success {
		t.Fatalf("agent: %+v", res)
	}
	var agentCalls []providertest.Recorded
	for _, r := range f.srv.ChatRequests() {
		if kindOf(r) == "agent" {
			agentCalls = append(agentCalls, r)
		}
	}
	if len(agentCalls) != 3 {
		t.Fatalf("%d agent calls, want 3", len(agentCalls))
	}
	if !strings.Contains(string(agentCalls[0].Body), v) {
		t.Fatal("the first call should still carry the value: it was no secret yet")
	}
	for i, r := range agentCalls[1:] {
		if strings.Contains(string(r.Body), v) {
			t.Errorf("agent call %d carries the secret stored before it:\n%s", i+2, r.Body)
		}
	}
}
