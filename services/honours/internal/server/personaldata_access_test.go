package server_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/tdkt-vn/tdkt/platform/idempotency"
	"github.com/tdkt-vn/tdkt/platform/sqlstore"
	"github.com/tdkt-vn/tdkt/platform/sqlstore/sqlstoretest"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
	"github.com/tdkt-vn/tdkt/services/honours/internal/document/pdftext"
	"github.com/tdkt-vn/tdkt/services/honours/personaldata"
)

// The people of the decision flows with citizen ids, with birth years that
// appear nowhere else in what the service returns.
var flowPeople = []struct {
	name, id string
	born     int32
}{
	{"Hoàng Thị Mận", "004167031254", 1967},
	{"Lương Văn Tám", "004171088890", 1971},
}

// Callers of the flows.
const (
	officerBK  = "bac-kan:BOARD_OFFICER"
	piiBK      = "bac-kan:PII_READER"
	viewerBK   = "bac-kan:VIEWER"
	viewerTN   = "thai-nguyen:VIEWER"
	piiTN      = "thai-nguyen:PII_READER"
	centralAll = "trung-uong:CENTRAL_ADMIN"
)

func testSealer(t testing.TB) *personaldata.Sealer {
	t.Helper()
	s, err := personaldata.NewSealer(bytes.Repeat([]byte{42}, personaldata.KeySize))
	require.NoError(t, err)
	return s
}

func withBirth(r *typev1.Recipient, born int32) *typev1.Recipient {
	r.BirthYear = born
	return r
}

// flowEntries are the entries of a flow's decision: the people with
// citizen ids, an individual without one, a collective and a household.
func flowEntries() (created, added []*honoursv1.DecisionEntry) {
	created = []*honoursv1.DecisionEntry{
		entry(withBirth(person(flowPeople[0].name, flowPeople[0].id, "so-noi-vu-bk"), flowPeople[0].born), "BK_TINH", 2024),
		entry(withBirth(person("Nông Thị Hoa", "", "so-noi-vu-bk"), 1969), "BK_TINH", 2024),
	}
	added = []*honoursv1.DecisionEntry{
		entry(withBirth(person(flowPeople[1].name, flowPeople[1].id, "so-noi-vu-bk"), flowPeople[1].born), "BK_TINH", 2024),
		entry(collective("truong-cho-don"), "BK_TINH", 2024),
		entry(&typev1.Recipient{Kind: typev1.RecipientKind_RECIPIENT_KIND_HOUSEHOLD, HeadName: "Hà Văn Sáu",
			Commune: "units/xa-nam-mau", Address: "Thôn Nà Pục"}, "BK_TINH", 2024),
	}
	return created, added
}

// flow creates decision id of Bắc Kạn with flowEntries as its board
// officer, with request ids, and issues it.
func flow(t *testing.T, c honoursv1.HonoursServiceClient, id string) *honoursv1.Decision {
	t.Helper()
	ctx := as(t.Context(), officerBK)
	created, added := flowEntries()
	msg := decisionMsg("bac-kan", "7/QĐ-UBND", d(2024, 12, 20))
	msg.Entries = created
	dec, err := c.CreateDecision(ctx, &honoursv1.CreateDecisionRequest{DecisionId: id, Decision: msg,
		RequestId: "0b9c6a1e-2f3d-4e5a-8b7c-6d5e4f3a2b1c"})
	require.NoError(t, err)
	_, err = c.AddDecisionEntries(ctx, &honoursv1.AddDecisionEntriesRequest{Name: dec.GetName(), Entries: added,
		RequestId: "1c0d7b2f-3a4e-4f6b-9c8d-7e6f5a4b3c2d"})
	require.NoError(t, err)
	_, err = c.IssueDecision(ctx, &honoursv1.IssueDecisionRequest{Name: dec.GetName()})
	require.NoError(t, err)
	return dec
}

// reading is everything a caller read: every string of every response
// message, the text of the files, and the recipients.
type reading struct {
	texts      []string
	recipients []*typev1.Recipient
	files      []string // the text of the PDFs and workbooks
}

func (r *reading) message(m proto.Message) {
	var walk func(protoreflect.Message)
	walk = func(m protoreflect.Message) {
		if rc, ok := m.Interface().(*typev1.Recipient); ok {
			r.recipients = append(r.recipients, rc)
		}
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			each := func(v protoreflect.Value) {
				switch {
				case fd.Message() != nil:
					walk(v.Message())
				case fd.Kind() == protoreflect.StringKind:
					r.texts = append(r.texts, v.String())
				case fd.Kind() == protoreflect.BytesKind:
					r.texts = append(r.texts, string(v.Bytes()))
				default:
					r.texts = append(r.texts, fmt.Sprint(v.Interface()))
				}
			}
			switch {
			case fd.IsList():
				for i := range v.List().Len() {
					each(v.List().Get(i))
				}
			case fd.IsMap():
				v.Map().Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
					r.texts = append(r.texts, k.String())
					each(v)
					return true
				})
			default:
				each(v)
			}
			return true
		})
	}
	walk(m.ProtoReflect())
}

// file returns what reads a streamed file (recvFile's results): its
// bytes, and its text (a PDF through pdftotext, a workbook from its XML
// parts).
func (r *reading) file(t *testing.T) func(contentType string, data []byte, err error) {
	return func(contentType string, data []byte, err error) {
		t.Helper()
		require.NoError(t, err)
		r.texts = append(r.texts, contentType, string(data))
		r.fileText(t, data)
	}
}

func (r *reading) fileText(t *testing.T, data []byte) {
	t.Helper()
	if bytes.HasPrefix(data, []byte("%PDF")) {
		var text []string
		for _, p := range pdftext.Read(t, data) {
			text = append(text, p.Text())
		}
		r.files = append(r.files, strings.Join(text, "\n"))
		return
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err, "a workbook")
	var text []string
	for _, f := range z.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		rc.Close()
		text = append(text, string(b))
	}
	r.files = append(r.files, strings.Join(text, "\n"))
}

func (r *reading) all() []string { return append(append([]string(nil), r.texts...), r.files...) }

// readAll calls, as grants, every RPC that returns something of decision
// dec and its honours, asking with keys too (recipient keys: a caller may
// hold keys it was not shown, and asking must tell it nothing).
func readAll(t *testing.T, c honoursv1.HonoursServiceClient, grants string, dec *honoursv1.Decision, keys []string) *reading {
	t.Helper()
	ctx := as(t.Context(), grants)
	r := &reading{}
	must := func(m proto.Message, err error) {
		t.Helper()
		require.NoError(t, err)
		r.message(m)
	}
	must(c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec.GetName()}))
	must(c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec.GetName(), View: honoursv1.DecisionView_DECISION_VIEW_BASIC}))
	must(c.ListDecisions(ctx, &honoursv1.ListDecisionsRequest{}))
	for token := ""; ; {
		resp, err := c.ListDecisionEntries(ctx, &honoursv1.ListDecisionEntriesRequest{Parent: dec.GetName(), PageSize: 2, PageToken: token})
		must(resp, err)
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	var honours []string
	for token := ""; ; {
		resp, err := c.ListHonours(ctx, &honoursv1.ListHonoursRequest{PageSize: 2, PageToken: token})
		must(resp, err)
		for _, h := range resp.GetHonours() {
			honours = append(honours, h.GetName())
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	require.GreaterOrEqual(t, len(honours), 5, "the register is public")
	for _, name := range honours {
		must(c.GetHonour(ctx, &honoursv1.GetHonourRequest{Name: name}))
		body, err := c.RenderCertificate(ctx, &honoursv1.RenderCertificateRequest{Name: name})
		must(body, err)
		r.fileText(t, body.GetData())
	}
	r.file(t)(recvFile(c.RenderDecision(ctx, &honoursv1.RenderDecisionRequest{Name: dec.GetName()})))
	r.file(t)(recvFile(c.ExportHonours(ctx, &honoursv1.ExportHonoursRequest{})))
	must(c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: []string{"recipient_kind"}}))
	if len(keys) > 0 {
		must(c.BatchGetRecipientHistory(ctx, &honoursv1.BatchGetRecipientHistoryRequest{RecipientKeys: keys, IncludeRevoked: true}))
		for _, k := range keys {
			must(c.ListHonours(ctx, &honoursv1.ListHonoursRequest{RecipientKey: k}))
			r.file(t)(recvFile(c.ExportHonours(ctx, &honoursv1.ExportHonoursRequest{RecipientKey: k})))
		}
	}
	return r
}

// found returns how many honours asking with key finds, as grants, through
// ListHonours and BatchGetRecipientHistory (which must agree).
func found(t *testing.T, c honoursv1.HonoursServiceClient, grants, key string) int {
	t.Helper()
	ctx := as(t.Context(), grants)
	list, err := c.ListHonours(ctx, &honoursv1.ListHonoursRequest{RecipientKey: key})
	require.NoError(t, err)
	batch, err := c.BatchGetRecipientHistory(ctx, &honoursv1.BatchGetRecipientHistoryRequest{RecipientKeys: []string{key}})
	require.NoError(t, err)
	require.Len(t, batch.GetHistories()[0].GetHonours(), len(list.GetHonours()))
	require.EqualValues(t, len(list.GetHonours()), list.GetTotalSize())
	return len(list.GetHonours())
}

// legacyKey is the recipient key of a citizen id before keys were keyed:
// what anyone could compute for a candidate id.
func legacyKey(id string) string {
	sum := sha256.Sum256([]byte("cccd:" + id))
	return "cid:" + hex.EncodeToString(sum[:16])
}

// TestCitizenIDsCannotBeRecovered reads every field of every response about
// a decision with individuals with citizen ids, as an anonymous caller, a
// viewer of another province and a viewer of the decision's province, and
// then tries to recover each id: by enumerating the 10^7 ids behind the
// masked one the viewer sees, hashing each as an attacker without the
// service's secrets can (the unkeyed key of before, a bare SHA-256), and
// looking for the digests in every value read (keys, etags, page tokens,
// decoded from base64 too). None is found; the same search over the key
// of before finds the id (the search works). Beyond that: no response
// carries an id, its hidden digits, or a birth year to a public caller, and
// asking with a key finds only what the caller would see that key on.
func TestCitizenIDsCannotBeRecovered(t *testing.T) {
	var (
		mu      sync.Mutex
		visible []string
		masks   = map[string]string{}
	)
	for _, eng := range sqlstoretest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := startGuarded(t, eng.URL(t), guardedOptions{sealer: testSealer(t)})
			dec := flow(t, e.c, "qd-cong-khai")

			// The keys, as a PII reader of the province reads them, to ask with.
			pii := readAll(t, e.c, piiBK, dec, nil)
			keyOf := map[string]string{} // full name or unit -> key
			for _, rc := range pii.recipients {
				if rc.GetRecipientKey() != "" {
					keyOf[rc.GetFullName()+rc.GetHeadName()+rc.GetUnit()] = rc.GetRecipientKey()
				}
			}
			var keys []string
			cidKeys, weakKeys := map[string]bool{}, map[string]bool{}
			for _, k := range keyOf {
				keys = append(keys, k)
				switch {
				case strings.HasPrefix(k, "cid:"):
					cidKeys[k] = true
				case strings.HasPrefix(k, "ind:"), strings.HasPrefix(k, "hh:"):
					weakKeys[k] = true
				}
			}
			require.Len(t, cidKeys, len(flowPeople))
			require.Len(t, weakKeys, 2, "an individual without a citizen id and a household")
			for _, p := range flowPeople {
				requireFound(t, pii.all(), p.id, "a PII reader of the province reads the full id")
			}
			// Keys of before come forward, for those who may ask with them.
			for _, p := range flowPeople {
				require.Equal(t, 1, found(t, e.c, piiBK, legacyKey(p.id)))
			}

			for _, caller := range []struct {
				name, grants string
				reader       bool // reads the decision's province's records
			}{
				{"anonymous", "", false},
				{"viewer of another province", viewerTN, false},
				{"PII reader of another province", piiTN, false},
				{"central administrator", centralAll, true},
				{"viewer of the province", viewerBK, true},
			} {
				t.Run(caller.name, func(t *testing.T) {
					r := readAll(t, e.c, caller.grants, dec, keys)
					texts := r.all()
					for _, p := range flowPeople {
						requireNotFound(t, texts, p.id, "the citizen id")
						requireNotFound(t, texts, p.id[3:10], "the hidden digits of the citizen id")
						requireNotFound(t, texts, legacyKey(p.id)[4:], "the unkeyed key")
						requireNotFound(t, r.files, fmt.Sprint(p.born), "a birth year in a document")
					}
					require.NotEmpty(t, r.recipients)
					for _, rc := range r.recipients {
						key := rc.GetRecipientKey()
						require.False(t, cidKeys[key], "a key derived from a citizen id is shown only to those who may read it")
						require.False(t, strings.HasPrefix(key, "cid:"))
						if !caller.reader {
							require.Zero(t, rc.GetBirthYear(), "the public register shows no birth year")
							require.Empty(t, rc.GetCitizenId(), "the public register shows no citizen id, masked or not")
							require.True(t, key == "" || strings.HasPrefix(key, "unit:"), "a public key: %s", key)
							require.False(t, rc.GetWeak())
							continue
						}
						for _, p := range flowPeople {
							if rc.GetFullName() == p.name {
								require.Equal(t, p.born, rc.GetBirthYear())
								require.Equal(t, p.id[:3]+"*******"+p.id[10:], rc.GetCitizenId(), "masked")
								require.Empty(t, key)
								if caller.grants == viewerBK {
									mu.Lock()
									masks[p.id] = rc.GetCitizenId()
									mu.Unlock()
								}
							}
						}
						if rc.GetFullName() == "Nông Thị Hoa" || rc.GetHeadName() != "" {
							require.True(t, weakKeys[key], "keys derived from what the reader sees")
						}
					}
					// Asking with a key finds only what the caller would
					// see the key on: no oracle for a candidate key.
					for k := range cidKeys {
						require.Zero(t, found(t, e.c, caller.grants, k))
					}
					for _, p := range flowPeople {
						require.Zero(t, found(t, e.c, caller.grants, legacyKey(p.id)))
					}
					for k := range weakKeys {
						want := 0
						if caller.reader {
							want = 1
						}
						require.Equal(t, want, found(t, e.c, caller.grants, k))
					}
					require.Equal(t, 1, found(t, e.c, caller.grants, "unit:truong-cho-don"), "a collective's key is public")
					mu.Lock()
					visible = append(visible, texts...)
					mu.Unlock()
				})
			}
		})
	}
	if t.Failed() {
		return
	}

	windows := hexWindows(visible)
	require.NotEmpty(t, windows, "the responses hold digests (etags, tokens, keys) to look in")
	for _, p := range flowPeople {
		mask := masks[p.id]
		require.Equal(t, 7, strings.Count(mask, "*"), "the viewer of the province saw %s masked", p.name)
		control := hexWindows([]string{legacyKey(p.id)})
		inVisible, inControl := enumerate(mask, windows, control)
		require.Empty(t, inVisible, "a citizen id recovered from what callers read")
		require.Equal(t, []string{p.id}, inControl, "the search finds an id from its unkeyed key")
	}
}

func requireFound(t *testing.T, texts []string, s, what string) {
	t.Helper()
	for _, x := range texts {
		if strings.Contains(x, s) {
			return
		}
	}
	t.Fatalf("%s: not found", what)
}

func requireNotFound(t *testing.T, texts []string, s, what string) {
	t.Helper()
	for _, x := range texts {
		if strings.Contains(x, s) {
			t.Fatalf("%s found in what was read", what)
		}
	}
}

type window [8]byte

// hexWindows returns every run of 16 hex digits in texts, as 8 bytes, and
// those of the hex of whatever their tokens decode to from base64 (page
// tokens, etags), twice over (a token holding base64 inside).
func hexWindows(texts []string) map[window]bool {
	out := map[window]bool{}
	var scan func(s string, depth int)
	scan = func(s string, depth int) {
		for _, tok := range strings.FieldsFunc(s, func(r rune) bool {
			return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.ContainsRune("+/=_-", r))
		}) {
			addHex(out, strings.ToLower(tok))
			if depth == 0 {
				continue
			}
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
				if b, err := enc.DecodeString(tok); err == nil && len(b) >= 8 {
					addHex(out, hex.EncodeToString(b))
					scan(string(b), depth-1)
				}
			}
		}
	}
	for _, s := range texts {
		scan(s, 2)
	}
	return out
}

// addHex adds every window of 16 hex digits of the runs of hex digits in s.
func addHex(out map[window]bool, s string) {
	run := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			run++
			continue
		}
		for start := i - run; start+16 <= i; start++ {
			var w window
			if _, err := hex.Decode(w[:], []byte(s[start:start+16])); err == nil {
				out[w] = true
			}
		}
		run = 0
	}
}

// enumerate tries every citizen id mask could hide (a digit for each '*'):
// it hashes each as the key of before did (SHA-256 of "cccd:" + id) and
// bare, and returns the ids any 8 bytes of whose digests are windows of
// visible, and of control.
func enumerate(mask string, visible, control map[window]bool) (inVisible, inControl []string) {
	var hidden []int
	for i := range len(mask) {
		if mask[i] == '*' {
			hidden = append(hidden, i)
		}
	}
	total := 1
	for range hidden {
		total *= 10
	}
	workers := runtime.GOMAXPROCS(0)
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			buf := []byte("cccd:" + mask)
			id := buf[len("cccd:"):]
			hit := func(sum [32]byte, set map[window]bool) bool {
				for off := 0; off+8 <= len(sum); off += 8 {
					if set[window(sum[off:off+8])] {
						return true
					}
				}
				return false
			}
			for n := w; n < total; n += workers {
				v := n
				for j := len(hidden) - 1; j >= 0; j-- {
					id[hidden[j]] = byte('0' + v%10)
					v /= 10
				}
				a, b := sha256.Sum256(buf), sha256.Sum256(id)
				inV, inC := hit(a, visible) || hit(b, visible), hit(a, control) || hit(b, control)
				if inV || inC {
					mu.Lock()
					if inV {
						inVisible = append(inVisible, string(id))
					}
					if inC {
						inControl = append(inControl, string(id))
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return inVisible, inControl
}

// TestPIIReaderReadsFullCitizenIDsAudited: only a PII reader of the
// decision's province reads full citizen ids, on every RPC that returns
// recipients, and each read is in the data access audit log before the
// response leaves; a mutation's response (saved for its retries) holds
// them masked whoever calls.
func TestPIIReaderReadsFullCitizenIDsAudited(t *testing.T) {
	forEachEngineT(t, func(t *testing.T, url string) {
		e := startGuarded(t, url, guardedOptions{sealer: testSealer(t)})
		ctx := as(t.Context(), piiBK)
		dec := flow(t, e.c, "qd-pii")
		db, err := sqlstore.Open(t.Context(), e.dbURL, nil, nil)
		require.NoError(t, err)
		defer db.Close()
		accessed := func() []string {
			rows, err := db.QueryContext(t.Context(), `SELECT resource FROM audit_log WHERE log_name = 'data_access' ORDER BY seq`)
			require.NoError(t, err)
			defer rows.Close()
			var out []string
			for rows.Next() {
				var r string
				require.NoError(t, rows.Scan(&r))
				out = append(out, r)
			}
			require.NoError(t, rows.Err())
			return out
		}
		require.Empty(t, accessed(), "nothing read yet")

		full, err := e.c.GetDecision(ctx, &honoursv1.GetDecisionRequest{Name: dec.GetName()})
		require.NoError(t, err)
		ids := map[string]string{}
		for _, en := range full.GetEntries() {
			if rc := en.GetRecipient(); rc.GetCitizenId() != "" {
				ids[rc.GetFullName()] = rc.GetCitizenId()
				require.True(t, strings.HasPrefix(rc.GetRecipientKey(), "cid:"))
			}
		}
		for _, p := range flowPeople {
			require.Equal(t, p.id, ids[p.name])
		}
		require.Equal(t, []string{dec.GetName()}, accessed())

		page, err := e.c.ListDecisionEntries(ctx, &honoursv1.ListDecisionEntriesRequest{Parent: dec.GetName()})
		require.NoError(t, err)
		require.Equal(t, flowPeople[0].id, page.GetEntries()[0].GetRecipient().GetCitizenId())
		list, err := e.c.ListHonours(ctx, &honoursv1.ListHonoursRequest{})
		require.NoError(t, err)
		var read []string
		for _, h := range list.GetHonours() {
			if len(h.GetRecipient().GetCitizenId()) == 12 && !strings.Contains(h.GetRecipient().GetCitizenId(), "*") {
				read = append(read, h.GetName())
			}
		}
		require.Len(t, read, len(flowPeople), "the register too")
		got := accessed()
		require.Equal(t, dec.GetName(), got[1], "ListDecisionEntries")
		require.ElementsMatch(t, read, got[2:], "one record per honour read")

		before := len(accessed())
		// Others read them masked, or not at all, and nothing is recorded.
		for _, grants := range []string{"", viewerBK, piiTN, centralAll, officerBK} {
			r := readAll(t, e.c, grants, dec, nil)
			for _, p := range flowPeople {
				requireNotFound(t, r.all(), p.id, "the citizen id")
			}
		}
		require.Len(t, accessed(), before)

		// A mutation's response, even a PII reader's: masked.
		more, err := e.c.AddDecisionEntries(as(t.Context(), officerBK+" "+piiBK), &honoursv1.AddDecisionEntriesRequest{
			Name: dec.GetName(), Entries: []*honoursv1.DecisionEntry{entry(person("Tạ Văn Mười", "004180123456", ""), "BK_TINH", 2024)}})
		requireCode(t, err, codes.FailedPrecondition, "") // issued: no more entries
		require.Nil(t, more)
		draft, err := e.c.CreateDecision(as(t.Context(), officerBK+" "+piiBK), &honoursv1.CreateDecisionRequest{DecisionId: "qd-nhap",
			Decision: decisionMsg("bac-kan", "8/QĐ-UBND", d(2024, 12, 21))})
		require.NoError(t, err)
		more, err = e.c.AddDecisionEntries(as(t.Context(), officerBK+" "+piiBK), &honoursv1.AddDecisionEntriesRequest{
			Name: draft.GetName(), Entries: []*honoursv1.DecisionEntry{entry(person("Tạ Văn Mười", "004180123456", ""), "BK_TINH", 2024)}})
		require.NoError(t, err)
		require.Equal(t, "004*******56", more.GetEntries()[0].GetRecipient().GetCitizenId())
		requireNowhere(t, db, "004180123456")
	})
}

// forEachEngineT runs fn on a fresh database of each engine, in parallel.
func forEachEngineT(t *testing.T, fn func(t *testing.T, url string)) {
	for _, eng := range sqlstoretest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, eng.URL(t))
		})
	}
}

// TestFingerprintsHoldNoClearCitizenID: the fingerprint kept with a saved
// request is not a hash of the request with its citizen ids in clear (it
// hashes their blind indexes), and a retry still gets its first answer.
func TestFingerprintsHoldNoClearCitizenID(t *testing.T) {
	forEachEngineT(t, func(t *testing.T, url string) {
		e := startGuarded(t, url, guardedOptions{sealer: testSealer(t)})
		flow(t, e.c, "qd-van-tay")
		created, added := flowEntries()
		msg := decisionMsg("bac-kan", "7/QĐ-UBND", d(2024, 12, 20))
		msg.Entries = created
		requests := map[string]proto.Message{
			"0b9c6a1e-2f3d-4e5a-8b7c-6d5e4f3a2b1c": &honoursv1.CreateDecisionRequest{DecisionId: "qd-van-tay", Decision: msg,
				RequestId: "0b9c6a1e-2f3d-4e5a-8b7c-6d5e4f3a2b1c"},
			"1c0d7b2f-3a4e-4f6b-9c8d-7e6f5a4b3c2d": &honoursv1.AddDecisionEntriesRequest{Name: "decisions/qd-van-tay", Entries: added,
				RequestId: "1c0d7b2f-3a4e-4f6b-9c8d-7e6f5a4b3c2d"},
		}
		db, err := sqlstore.Open(t.Context(), e.dbURL, nil, nil)
		require.NoError(t, err)
		defer db.Close()
		for id, req := range requests {
			var stored []byte
			require.NoError(t, db.QueryRowContext(t.Context(), `SELECT fingerprint FROM requests WHERE request_id = $1`, id).Scan(&stored))
			_, clear, err := idempotency.Fingerprint(req)
			require.NoError(t, err)
			require.NotEqual(t, clear, stored, "the fingerprint of the request with its citizen ids in clear")
		}
		// The same requests again: their first answers, no error.
		_, err = e.c.CreateDecision(as(t.Context(), officerBK), proto.Clone(requests["0b9c6a1e-2f3d-4e5a-8b7c-6d5e4f3a2b1c"]).(*honoursv1.CreateDecisionRequest))
		require.NoError(t, err)
		_, err = e.c.AddDecisionEntries(as(t.Context(), officerBK), proto.Clone(requests["1c0d7b2f-3a4e-4f6b-9c8d-7e6f5a4b3c2d"]).(*honoursv1.AddDecisionEntriesRequest))
		require.NoError(t, err, "a retry after the decision was issued gets its first answer")
		requireNowhere(t, db, flowPeople[0].id)
		requireNowhere(t, db, flowPeople[1].id)
	})
}
