package domain

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tdkt-vn/tdkt/platform/domainerr"
)

func TestBatch(t *testing.T) {
	f := BatchFields{Proposer: proposerUnit, Authority: authorityUnit, Title: " Tờ trình  khen thưởng năm 2025 ", Document: &Document{}}
	f.Normalize()
	assert.Equal(t, "Tờ trình khen thưởng năm 2025", f.Title)
	assert.Equal(t, []string{"batch.document.number"}, fieldsOf(t, f.Validate("batch")))
	assert.Equal(t, []string{"batch.proposer", "batch.authority", "batch.title"}, fieldsOf(t, (&BatchFields{}).Validate("batch")))
	f.Document = nil
	require.NoError(t, f.Validate("batch"))

	b := NewBatch("bk-2025", f, at(t, "2025-01-02"))
	assert.Equal(t, "batches/bk-2025", b.Name())
	require.NoError(t, b.CheckDraft())
	assert.Equal(t, "BATCH_EMPTY", ruleError(t, b.Submit(0, "", at(t, "2025-01-20"))).Reason)
	require.ErrorIs(t, b.Submit(2, `"9"`, at(t, "2025-01-20")), domainerr.ErrStaleEtag)
	require.NoError(t, b.Submit(2, b.Etag(), at(t, "2025-01-20")))
	assert.Equal(t, BatchSubmitted, b.State)
	assert.Equal(t, "BATCH_NOT_DRAFT", ruleError(t, b.CheckDraft()).Reason)

	assert.Equal(t, "BATCH_NOTHING_TO_SUBMIT", ruleError(t, b.Submit(0, "", at(t, "2025-02-04"))).Reason)
	require.NoError(t, b.Submit(1, "", at(t, "2025-02-05")), "a returned nomination, supplemented, goes again")
	assert.Equal(t, at(t, "2025-02-05"), b.SubmitTime)

	require.NoError(t, b.Close("decisions/946-qd-ubnd", at(t, "2025-06-01")))
	assert.Equal(t, BatchClosed, b.State)
	assert.Equal(t, "BATCH_CLOSED", ruleError(t, b.Submit(1, "", at(t, "2025-06-02"))).Reason)
	assert.Equal(t, "BATCH_NOT_SUBMITTED", ruleError(t, b.Close("", at(t, "2025-06-02"))).Reason)
}
