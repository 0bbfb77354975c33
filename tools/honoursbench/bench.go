package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/tdkt-vn/tdkt/platform/vnfold"
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
	typev1 "github.com/tdkt-vn/tdkt/proto/tdkt/type/v1"
)

// report collects the figures.
type report struct {
	rows                   int
	copy1, copyN, imp      rate
	copyConns, streams     int
	impStart               rate // the first startRows rows of the import
	impSteady              rate // the rest
	list                   []time.Duration
	statsCold, statsCached map[string][]time.Duration
	batch                  []time.Duration
	batchKeys, batchHonour int
	search, sqliteSearch   []searchResult
	sqliteRows             int
	sqliteImp              rate
	peakRSS                int64 // of this process: the services, the client
}

// rate is rows in a time.
type rate struct {
	rows int64
	took time.Duration
}

func (r rate) perSec() float64 {
	if r.took <= 0 {
		return 0
	}
	return float64(r.rows) / r.took.Seconds()
}

func (r rate) String() string {
	return fmt.Sprintf("%.0f (%d in %s)", r.perSec(), r.rows, r.took.Round(time.Millisecond))
}

// startRows is the size of the slow start the import is measured on apart.
const startRows = 100_000

// startMark records the first time a running count reaches startRows.
type startMark struct {
	once sync.Once
	at   rate
}

func (m *startMark) observe(total int64, start time.Time) {
	if total >= startRows {
		m.once.Do(func() { m.at = rate{total, time.Since(start)} })
	}
}

// split returns the rate up to the mark and after it, out of all.
func (m *startMark) split(all rate) (first, rest rate) {
	if m.at.rows == 0 {
		return all, rate{}
	}
	return m.at, rate{all.rows - m.at.rows, all.took - m.at.took}
}

// copyColumns are the columns of the honours table the COPY fills (the
// revocation columns keep their defaults, as for an active honour).
var copyColumns = []string{
	"id", "decision_id", "ordinal", "decision_number", "authority", "award_code", "kind", "full_name", "gender",
	"birth_year", "job_title", "unit", "citizen_id_masked", "head_name", "address", "commune", "recipient_key",
	"weak", "recipient_name", "sort_key", "search", "period_start", "period_end", "achievements", "conferred_on",
	"year", "reward_vnd", "reward_note", "certificate_number", "nomination", "movement", "province",
	"province_original", "recipient_unit", "state", "create_time", "update_time", "version",
}

var coefficients = map[string][2]float64{ // individual, collective
	"BK_TINH": {1, 2}, "CSTD_TINH": {3, 0}, "TTLDXS": {0, 1.5}, "CO_TINH": {0, 8},
}

// register is the generated register, built before any timer starts: the
// import requests and, per decision, the COPY rows with their computed
// columns (recipient key, sort key, search text).
type register struct {
	items []*honoursv1.ImportDecisionsRequest
	rows  [][][]any
}

// generate builds the decisions of the register on all CPUs.
func generate(g *generator, decisions int) (*register, error) {
	successor := map[string]string{}
	for o, d := range dissolved {
		successor[oldProvinceID(o)] = provinceID(d.successor)
	}
	now := time.Now().UnixMicro()
	reg := &register{items: make([]*honoursv1.ImportDecisionsRequest, decisions), rows: make([][][]any, decisions)}
	var eg errgroup.Group
	eg.SetLimit(runtime.GOMAXPROCS(0))
	for i := range decisions {
		eg.Go(func() error {
			reg.items[i] = g.decision(i)
			reg.rows[i] = copyRows(reg.items[i], successor, now)
			return nil
		})
	}
	return reg, eg.Wait()
}

// copyRows returns the honours rows of one decision as the service would
// write them.
func copyRows(item *honoursv1.ImportDecisionsRequest, successor map[string]string, now int64) [][]any {
	doc := item.GetDecision().GetDocument()
	auth := strings.TrimPrefix(item.GetDecision().GetAuthority(), "units/")
	prov := auth
	if s, ok := successor[auth]; ok {
		prov = s
	}
	on := doc.GetSignedOn()
	conferred := fmt.Sprintf("%04d-%02d-%02d", on.GetYear(), on.GetMonth(), on.GetDay())
	rows := make([][]any, 0, len(item.GetEntries()))
	for k, e := range item.GetEntries() {
		rc := e.GetRecipient()
		code := strings.TrimPrefix(e.GetAwardType(), "awardTypes/")
		name, key, kind, coef := rc.GetFullName(), "", int32(rc.GetKind()), coefficients[code][0]
		if rc.GetKind() == typev1.RecipientKind_RECIPIENT_KIND_COLLECTIVE {
			name, key, coef = rc.GetUnit(), "unit:"+strings.TrimPrefix(rc.GetUnit(), "units/"), coefficients[code][1]
		} else {
			key = "cid:" + digest("cccd:"+rc.GetCitizenId())
		}
		cid := rc.GetCitizenId()
		masked := ""
		if cid != "" {
			masked = strings.Repeat("*", len(cid)-4) + cid[len(cid)-4:]
		}
		rows = append(rows, []any{
			fmt.Sprintf("%s-%d", item.GetDecisionId(), k+1), item.GetDecisionId(), k + 1, doc.GetNumber(), auth, code, kind,
			rc.GetFullName(), int32(rc.GetGender()), rc.GetBirthYear(), rc.GetPosition(), strings.TrimPrefix(rc.GetUnit(), "units/"),
			masked, "", "", "", key, 0, name, vnfold.SortKey(name), vnfold.Fold(name + " " + doc.GetNumber()),
			e.GetPeriod().GetStartYear(), e.GetPeriod().GetEndYear(), e.GetAchievements(), conferred, on.GetYear(),
			int64(coef * 1_490_000), "", fmt.Sprintf("%s/%d", doc.GetNumber(), k+1), "", item.GetDecision().GetMovement(),
			prov, auth, strings.TrimPrefix(rc.GetUnit(), "units/"), 1, now, now, 1,
		})
	}
	return rows
}

// copyBaseline COPYs the pre-built rows of the register, one COPY per
// decision, on conns connections into bench_copy_honours, a table LIKE
// honours with all its indexes and constraints (not its foreign keys),
// then drops it. Only the COPYs are timed.
func copyBaseline(ctx context.Context, dbURL string, reg *register, conns int) (rate, error) {
	dbs := make([]*pgx.Conn, conns)
	defer func() {
		for _, db := range dbs {
			if db != nil {
				db.Close(context.Background())
			}
		}
	}()
	for i := range dbs {
		db, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			return rate{}, err
		}
		dbs[i] = db
	}
	if _, err := dbs[0].Exec(ctx, "CREATE TABLE bench_copy_honours (LIKE honours INCLUDING ALL)"); err != nil {
		return rate{}, err
	}
	what := fmt.Sprintf("COPY x%d", conns)
	var done, next atomic.Int64
	stopProgress := progress(what, &done)
	start := time.Now()
	eg, ectx := errgroup.WithContext(ctx)
	for _, db := range dbs {
		eg.Go(func() error {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(reg.rows) {
					return nil
				}
				n, err := db.CopyFrom(ectx, pgx.Identifier{"bench_copy_honours"}, copyColumns, pgx.CopyFromRows(reg.rows[i]))
				if err != nil {
					return err
				}
				done.Add(n)
			}
		})
	}
	err := eg.Wait()
	r := rate{done.Load(), time.Since(start)}
	stopProgress()
	if err != nil {
		return r, err
	}
	fmt.Fprintf(os.Stderr, "%s: %d rows in %s: %.0f rows/s\n", what, r.rows, r.took.Round(time.Millisecond), r.perSec())
	_, err = dbs[0].Exec(ctx, "DROP TABLE bench_copy_honours")
	return r, err
}

// progress prints the count every 10 s until the returned func is called.
func progress(what string, n *atomic.Int64) func() {
	start := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				el := time.Since(start)
				fmt.Fprintf(os.Stderr, "%s: %d rows in %s (%.0f rows/s)\n", what, n.Load(), el.Round(time.Second), float64(n.Load())/el.Seconds())
			}
		}
	})
	return func() { close(stop); wg.Wait() }
}

// importAll streams the pre-built decisions through ImportDecisions on
// o.streams concurrent streams, o.batch decisions per stream.
func importAll(ctx context.Context, c honoursv1.HonoursServiceClient, reg *register, o options, r *report) error {
	decisions := len(reg.items)
	var done, next atomic.Int64
	var mark startMark
	stopProgress := progress("import", &done)
	defer stopProgress()
	start := time.Now()
	eg, ctx := errgroup.WithContext(ctx)
	for range o.streams {
		eg.Go(func() error {
			for {
				first := int(next.Add(int64(o.batch))) - o.batch
				if first >= decisions {
					return nil
				}
				stream, err := c.ImportDecisions(ctx)
				if err != nil {
					return err
				}
				for i := first; i < min(first+o.batch, decisions); i++ {
					if err := stream.Send(reg.items[i]); err != nil {
						return err
					}
				}
				resp, err := stream.CloseAndRecv()
				if err != nil {
					return err
				}
				// The results list the failures; successes are counted.
				if failed := resp.GetResults(); len(failed) > 0 {
					return fmt.Errorf("%d decisions failed; decision %s: %s", resp.GetFailed(), failed[0].GetDecisionId(), failed[0].GetStatus().GetMessage())
				}
				mark.observe(done.Add(resp.GetHonourCount()), start)
			}
		})
	}
	if err := eg.Wait(); err != nil {
		return err
	}
	r.imp = rate{done.Load(), time.Since(start)}
	r.impStart, r.impSteady = mark.split(r.imp)
	fmt.Fprintf(os.Stderr, "import x%d streams: %d honours in %s: %.0f rows/s (first %d: %.0f rows/s, rest: %.0f rows/s)\n",
		o.streams, r.imp.rows, r.imp.took.Round(time.Millisecond), r.imp.perSec(), r.impStart.rows, r.impStart.perSec(), r.impSteady.perSec())
	return nil
}

// reads measures the read calls on the imported register.
func reads(ctx context.Context, c honoursv1.HonoursServiceClient, db *pgx.Conn, o options, r *report) error {
	keys, err := sampleKeys(ctx, db, o.seed, 200+5*1000)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "reads: %d sampled recipient keys\n", len(keys))
	for _, k := range keys[:min(200, len(keys))] {
		t := time.Now()
		if _, err := c.ListHonours(ctx, &honoursv1.ListHonoursRequest{RecipientKey: k}); err != nil {
			return err
		}
		r.list = append(r.list, time.Since(t))
	}

	groupings := map[string][]string{"award_type,year": {"award_type", "year"}, "province": {"province"}}
	ranges := yearRanges(o.seed)
	r.statsCold, r.statsCached = map[string][]time.Duration{}, map[string][]time.Duration{}
	for label, by := range groupings {
		// Cold: every call has filters not asked before.
		for _, yr := range ranges[:50] {
			t := time.Now()
			if _, err := c.GetStatistics(ctx, &honoursv1.GetStatisticsRequest{GroupBy: by, YearFrom: yr[0], YearTo: yr[1]}); err != nil {
				return err
			}
			r.statsCold[label] = append(r.statsCold[label], time.Since(t))
		}
		// Cached: the whole register, asked again and again.
		req := &honoursv1.GetStatisticsRequest{GroupBy: by}
		t := time.Now()
		if _, err := c.GetStatistics(ctx, req); err != nil {
			return err
		}
		r.statsCold[label+" (whole register)"] = []time.Duration{time.Since(t)}
		for range 50 {
			t := time.Now()
			if _, err := c.GetStatistics(ctx, req); err != nil {
				return err
			}
			r.statsCached[label] = append(r.statsCached[label], time.Since(t))
		}
	}

	rest := keys[min(200, len(keys)):]
	for i := range 5 {
		batch := rest[(i*1000)%max(1, len(rest)):]
		batch = batch[:min(1000, len(batch))]
		t := time.Now()
		resp, err := c.BatchGetRecipientHistory(ctx, &honoursv1.BatchGetRecipientHistoryRequest{RecipientKeys: batch})
		if err != nil {
			return err
		}
		r.batch = append(r.batch, time.Since(t))
		r.batchKeys = len(batch)
		r.batchHonour = 0
		for _, h := range resp.GetHistories() {
			r.batchHonour += len(h.GetHonours())
		}
	}
	return nil
}

// sampleKeys returns up to n distinct recipient keys of the register in a
// seeded random order.
func sampleKeys(ctx context.Context, db *pgx.Conn, seed uint64, n int) ([]string, error) {
	rows, err := db.Query(ctx, "SELECT DISTINCT recipient_key FROM honours TABLESAMPLE BERNOULLI (10) REPEATABLE ($1) LIMIT $2",
		int64(seed%1_000_000), n)
	if err != nil {
		return nil, err
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	return keys, nil
}

// yearRanges returns every year range of 2014–2025, shuffled.
func yearRanges(seed uint64) [][2]int32 {
	var rs [][2]int32
	for a := int32(2014); a <= 2025; a++ {
		for b := a; b <= 2025; b++ {
			rs = append(rs, [2]int32{a, b})
		}
	}
	rand.New(rand.NewPCG(seed, 11)).Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
	return rs
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\nhonours register: %d honours in PostgreSQL\n\n", r.rows)
	fmt.Fprintf(w, "%-52s %-28s %s\n", "measure", "figure", "target")
	line := func(m, f, t string) { fmt.Fprintf(w, "%-52s %-28s %s\n", m, f, t) }
	if r.imp.rows > 0 { // not when the register was there already
		line("bare COPY, 1 connection (rows/s)", r.copy1.String(), "")
		line(fmt.Sprintf("bare COPY, %d connections (rows/s)", r.copyConns), r.copyN.String(), "")
		best, bestLabel := r.copy1, "1 connection"
		if r.copyN.perSec() > best.perSec() {
			best, bestLabel = r.copyN, fmt.Sprintf("%d connections", r.copyConns)
		}
		line(fmt.Sprintf("ImportDecisions, %d streams, end to end (rows/s)", r.streams), r.imp.String(), "")
		line(fmt.Sprintf("  first %d rows (slow start)", r.impStart.rows), r.impStart.String(), "")
		line("  steady state (the rest)", r.impSteady.String(), "")
		line(fmt.Sprintf("import / faster COPY (%s)", bestLabel), fmt.Sprintf("%.1f%%", 100*r.imp.perSec()/best.perSec()), ">= 30%")
		line("import / COPY on 1 connection", fmt.Sprintf("%.1f%%", 100*r.imp.perSec()/r.copy1.perSec()), "")
	}
	line(fmt.Sprintf("ListHonours by recipient_key p50/p99 (%d keys)", len(r.list)), ms(pct(r.list, .5))+" / "+ms(pct(r.list, .99)), "")
	for _, label := range []string{"award_type,year", "province"} {
		cold := r.statsCold[label]
		line(fmt.Sprintf("GetStatistics by %s cold p50/p99 (%d)", label, len(cold)), ms(pct(cold, .5))+" / "+ms(pct(cold, .99)), "p99 < 1 s")
		line(fmt.Sprintf("GetStatistics by %s cold, whole register", label), ms(r.statsCold[label+" (whole register)"][0]), "< 1 s")
		c := r.statsCached[label]
		line(fmt.Sprintf("GetStatistics by %s cached p50/p99 (%d)", label, len(c)), ms(pct(c, .5))+" / "+ms(pct(c, .99)), "p99 < 20 ms")
	}
	line(fmt.Sprintf("BatchGetRecipientHistory %d keys p50/max (%d)", r.batchKeys, len(r.batch)),
		ms(pct(r.batch, .5))+" / "+ms(slices.Max(r.batch)), fmt.Sprintf("p50 < 100 ms (%d honours in last call)", r.batchHonour))
	printSearches(w, "PostgreSQL", r.rows, r.search)
	if r.sqliteRows > 0 {
		if r.sqliteImp.rows > 0 {
			fmt.Fprintf(w, "\nSQLite register imported through ImportDecisions: %s rows/s\n", r.sqliteImp)
		}
		printSearches(w, "SQLite", r.sqliteRows, r.sqliteSearch)
	}
	what := "honours on PostgreSQL and on SQLite, blocs, the client"
	if r.imp.rows > 0 || r.sqliteImp.rows > 0 {
		what += ", and the register it generated"
	}
	fmt.Fprintf(w, "\npeak RSS of this process (%s): %d MiB\n", what, r.peakRSS>>20)
}
