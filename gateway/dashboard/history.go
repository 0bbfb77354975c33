package dashboard

import (
	honoursv1 "github.com/tdkt-vn/tdkt/proto/tdkt/honours/v1"
)

func init() {
	route("GET /people/{key}", historyPage)
	translate(map[string]string{
		"Lịch sử khen thưởng":            "Honours history",
		"Quá trình khen thưởng":          "Honours over time",
		"Số khen thưởng":                 "Honours",
		"Tổng tiền thưởng đang hiệu lực": "Total reward in force",
		"Về sổ khen thưởng":              "Back to the register",
	})
}

// historyData is a recipient's honours, oldest first.
type historyData struct {
	Who   string
	Rows  []honourRow
	Count int64
	Money int64 // of the honours in force
}

// historyPage shows every honour of one recipient (its recipient key),
// revoked ones included, in time order. A collective's history includes
// the units dissolved into it.
func historyPage(q *req) error {
	key := q.r.PathValue("key")
	if key == "" || len(key) > 200 {
		return errNotFound
	}
	resp, err := q.d.clients.Honours.BatchGetRecipientHistory(q.ctx, &honoursv1.BatchGetRecipientHistoryRequest{
		RecipientKeys: []string{key}, IncludeRevoked: true})
	if err != nil {
		return err
	}
	var hs []*honoursv1.Honour
	for _, h := range resp.GetHistories() {
		hs = append(hs, h.GetHonours()...)
	}
	if len(hs) == 0 {
		return errNotFound // unknown, or not for this person to see
	}
	_, awards, err := q.awardTypes(false)
	if err != nil {
		return err
	}
	n, err := q.honourNames(hs, awards)
	if err != nil {
		return err
	}
	data := historyData{Rows: n.honourRows(hs), Count: int64(len(hs))}
	data.Who = data.Rows[len(data.Rows)-1].Who // the latest name
	for _, r := range data.Rows {
		if !r.Revoked {
			data.Money += r.H.GetRewardVnd()
		}
	}
	return q.render("history", "Lịch sử khen thưởng", data)
}
