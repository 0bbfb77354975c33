package main

import (
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// Limits of one ImportDecisions message, checked before anything is sent.
const (
	// maxEntries is the most entries an item may hold (the proto's limit).
	maxEntries = 5000
	// maxItemBytes keeps an item under the server's 4 MiB message limit,
	// with room for the stream's framing.
	maxItemBytes = 4<<20 - 64<<10
)

// item is one decision of the file, ready to send.
type item struct {
	req *honoursv1.ImportDecisionsRequest
	// lines are the file lines of its entries, in entry order.
	lines []int
}

// plan is what an import sends: one item per decision, in the order the
// decisions first appear in the file.
type plan struct {
	items []*item
	rows  int
}

// buildPlan parses every record of t and groups the rows by decision_id,
// wherever they are in the file. The decision's own columns may be given
// on any of its rows and left empty on the others, but never differ.
func buildPlan(t *table) (*plan, error) {
	h, err := parseHeader(t)
	if err != nil {
		return nil, err
	}
	type group struct {
		rows []*row
		doc  map[column]string
		from map[column]int // the line each decision column was first given on
	}
	var order []string
	groups := make(map[string]*group)
	for _, rec := range t.records {
		r, err := parseRow(t, h, rec)
		if err != nil {
			return nil, err
		}
		g := groups[r.decisionID]
		if g == nil {
			g = &group{doc: make(map[column]string), from: make(map[column]int)}
			groups[r.decisionID] = g
			order = append(order, r.decisionID)
		}
		for _, c := range decisionColumns {
			v, ok := r.doc[c]
			if !ok {
				continue
			}
			if prev, seen := g.doc[c]; seen && prev != v {
				return nil, t.errAt(r.line, h[c], "decision %s has %q here but %q on line %d; its rows must agree", r.decisionID, v, prev, g.from[c])
			}
			if _, seen := g.doc[c]; !seen {
				g.doc[c], g.from[c] = v, r.line
			}
		}
		if len(g.rows) == maxEntries {
			return nil, t.errAt(r.line, h[colDecisionID], "decision %s has more than %d entries: split it", r.decisionID, maxEntries)
		}
		g.rows = append(g.rows, r)
	}

	p := &plan{rows: len(t.records)}
	for _, id := range order {
		g := groups[id]
		first := g.rows[0]
		for _, c := range []column{colNumber, colSignedOn, colAuthority} {
			if g.doc[c] == "" {
				return nil, t.errAt(first.line, h[c], "decision %s has no %s on any of its rows", id, columns[c].name)
			}
		}
		it := newItem(id, g.doc, g.rows)
		if n := proto.Size(it.req); n > maxItemBytes {
			return nil, t.errAt(first.line, h[colDecisionID], "decision %s is too large to send (%d bytes, limit %d): split it", id, n, maxItemBytes)
		}
		p.items = append(p.items, it)
	}
	return p, nil
}

// newItem builds the ImportDecisions message of one decision, with its
// request id.
func newItem(id string, doc map[column]string, rows []*row) *item {
	var signedOn = rows[0].signedOn
	for _, r := range rows {
		if r.signedOn != nil {
			signedOn = r.signedOn
			break
		}
	}
	it := &item{req: &honoursv1.ImportDecisionsRequest{
		DecisionId: id,
		Decision: &honoursv1.Decision{
			Document: &typev1.DocumentRef{
				Number:      doc[colNumber],
				SignedOn:    signedOn,
				SignerName:  doc[colSignerName],
				SignerTitle: doc[colSignerTitle],
				Issuer:      doc[colAuthority],
			},
			Title:     doc[colTitle],
			Authority: doc[colAuthority],
		},
	}}
	for _, r := range rows {
		it.req.Entries = append(it.req.Entries, &honoursv1.DecisionEntry{
			Recipient:    r.recipient,
			AwardType:    r.awardType,
			Period:       r.period,
			Achievements: r.achievements,
		})
		it.lines = append(it.lines, r.line)
	}
	it.req.RequestId = requestID(id, contentHash(doc, rows))
	return it
}

// contentHash is a SHA-256 of what a decision's rows say, after parsing:
// the decision's columns, then each entry's, in file order. The same data
// hash the same whatever the column order, the date format or the file
// type; any edit of the decision changes it.
func contentHash(doc map[column]string, rows []*row) [32]byte {
	var b strings.Builder
	field := func(name, v string) {
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(strconv.Quote(v))
		b.WriteByte('\n')
	}
	for _, c := range decisionColumns {
		field(columns[c].name, doc[c])
	}
	for _, r := range rows {
		rc := r.recipient
		b.WriteString("--\n")
		field("award_type", r.awardType)
		field("recipient_kind", rc.GetKind().String())
		field("full_name", rc.GetFullName())
		field("unit", rc.GetUnit())
		field("head_name", rc.GetHeadName())
		field("gender", rc.GetGender().String())
		field("birth_year", strconv.Itoa(int(rc.GetBirthYear())))
		field("position", rc.GetPosition())
		field("commune", rc.GetCommune())
		field("address", rc.GetAddress())
		field("period", fmt.Sprintf("%d-%d", r.period.GetStartYear(), r.period.GetEndYear()))
		field("achievements", r.achievements)
	}
	return sha256.Sum256([]byte(b.String()))
}

// namespace is the UUID namespace of tdktctl's import request ids.
var namespace = [16]byte{0x2b, 0x8d, 0x47, 0x0e, 0x5c, 0x1a, 0x4f, 0x63, 0x9e, 0x07, 0xd4, 0x31, 0x6a, 0xb2, 0x58, 0xc9}

// requestID is the name-based (version 5, SHA-1) UUID of a decision id and
// the hash of its content: importing the same decision again carries the
// same request id, so the server answers with its first result; an edited
// decision carries another one.
func requestID(decisionID string, content [32]byte) string {
	h := sha1.New()
	h.Write(namespace[:])
	fmt.Fprintf(h, "%s\x00%x", decisionID, content)
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
