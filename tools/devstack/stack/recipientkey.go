package stack

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// recipientKeySecretFile is where a devstack given no recipient key secret
// keeps the one it made, in its data directory.
const recipientKeySecretFile = "honours-recipient-key-secret"

// recipientKeySecret returns the recipient key secret of a devstack whose
// honours service was given none (-honours.recipient-key-secret): the one
// kept in dataDir, made on the first start. The keys in honours.db are
// made with it, so it lives beside them and as long as they do.
func recipientKeySecret(dataDir string) (string, error) {
	path := filepath.Join(dataDir, recipientKeySecretFile)
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("recipient key secret: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return "", fmt.Errorf("recipient key secret: %w", err)
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret) // never fails (crypto/rand)
	s := base64.StdEncoding.EncodeToString(secret)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return recipientKeySecret(dataDir) // made meanwhile by another start
	}
	if err != nil {
		return "", fmt.Errorf("recipient key secret: %w", err)
	}
	if _, err := f.WriteString(s + "\n"); err != nil {
		_ = f.Close()
		return "", fmt.Errorf("recipient key secret: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("recipient key secret: %w", err)
	}
	return s, nil
}
