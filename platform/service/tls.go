package service

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"github.com/tdkt-vn/tdkt/platform/config"
)

// TLSConfig is the certificate a gRPC server presents and the authorities
// whose client certificates it verifies: the mutual TLS of provincial
// systems that call a service directly. The zero value serves plaintext.
type TLSConfig struct {
	// CertFile is a PEM certificate (chain) the server presents; "" means
	// no TLS.
	CertFile string
	// KeyFile is the PEM private key of CertFile.
	KeyFile string
	// ClientCAFile holds the PEM certificates of the authorities whose
	// client certificates the server verifies; "" asks for none. A client
	// may still call without a certificate (a bearer token, or anonymous):
	// a certificate, when given, must verify.
	ClientCAFile string
}

// RegisterFlags registers -tls-cert, -tls-key and -tls-client-ca on f.
func (c *TLSConfig) RegisterFlags(f config.Flags) {
	f.String(&c.CertFile, "tls-cert", "", "PEM certificate (chain) the gRPC server presents; empty serves plaintext")
	f.String(&c.KeyFile, "tls-key", "", "PEM private key of -tls-cert")
	f.String(&c.ClientCAFile, "tls-client-ca", "",
		"PEM certificates of the authorities whose client certificates are verified (mutual TLS; needs -tls-cert); empty asks for none")
}

// Server returns the server's TLS configuration; nil when c names no
// certificate.
func (c TLSConfig) Server() (*tls.Config, error) {
	if c.CertFile == "" && c.KeyFile == "" {
		if c.ClientCAFile != "" {
			return nil, errors.New("-tls-client-ca needs -tls-cert and -tls-key: mutual TLS is TLS first")
		}
		return nil, nil
	}
	if c.CertFile == "" || c.KeyFile == "" {
		return nil, errors.New("-tls-cert and -tls-key go together")
	}
	cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate (-tls-cert, -tls-key): %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if c.ClientCAFile != "" {
		pem, err := os.ReadFile(c.ClientCAFile)
		if err != nil {
			return nil, fmt.Errorf("client authorities (-tls-client-ca): %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("client authorities (-tls-client-ca): %s holds no PEM certificate", c.ClientCAFile)
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
	}
	return cfg, nil
}

// ServerTLS returns the TLS configuration of the service's gRPC server;
// nil when it serves plaintext. (command.ServiceMain serves with it.)
func (c Config) ServerTLS() (*tls.Config, error) {
	if c.Auth.ClientCertificates != "" && c.TLS.ClientCAFile == "" {
		return nil, errors.New("-client-certificates maps client certificates, which need -tls-client-ca (and -tls-cert, -tls-key)")
	}
	return c.TLS.Server()
}
