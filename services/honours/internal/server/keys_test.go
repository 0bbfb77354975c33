package server_test

import (
	"bytes"

	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
)

// testKeys make the recipient keys of the tests' services.
var testKeys = func() *domain.Keyring {
	k, err := domain.NewKeyring(bytes.Repeat([]byte("test recipient key secret "), 2))
	if err != nil {
		panic(err)
	}
	return k
}()
