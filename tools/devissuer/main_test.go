package main

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The command serves an issuer whose machine clients come from a file and
// sign in with the client-credentials grant.
func TestServesClientsFromAFile(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := lis.Addr().String()
	require.NoError(t, lis.Close())
	clients := filepath.Join(t.TempDir(), "clients.json")
	require.NoError(t, os.WriteFile(clients, []byte(`{"clients": [{"id": "he-thong-thai-nguyen", "secret": "bi-mat",
		"grants": [{"unit": "thai-nguyen", "roles": ["BOARD_OFFICER"]}]}]}`), 0o600))
	done := make(chan error, 1)
	go func() { done <- run([]string{"-addr", addr, "-url", "http://issuer.test:9100", "-clients", clients}) }()

	var resp *http.Response
	require.Eventually(t, func() bool {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"he-thong-thai-nguyen"}, "client_secret": {"bi-mat"}}
		resp, err = http.Post("http://"+addr+"/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		return err == nil
	}, 5*time.Second, 20*time.Millisecond)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	require.NotEmpty(t, tok.AccessToken)

	var doc struct{ Issuer string }
	r, err := http.Get("http://" + addr + "/.well-known/openid-configuration")
	require.NoError(t, err)
	defer r.Body.Close()
	require.NoError(t, json.NewDecoder(r.Body).Decode(&doc))
	require.Equal(t, "http://issuer.test:9100", doc.Issuer)

	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	require.NoError(t, <-done)
}
