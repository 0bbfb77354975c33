package server

import (
	"fmt"

	"github.com/tdkt-vn/tdkt/services/honours/internal/domain"
)

// badField is InvalidArgument naming one field.
func badField(field, format string, args ...any) error {
	return domain.FieldErrors{{Field: field, Description: fmt.Sprintf(format, args...)}}
}

// ruleError is FailedPrecondition: reason, the field or resource it
// concerns, and why.
func ruleError(reason, subject, format string, args ...any) error {
	return &domain.RuleError{Reason: reason, Subject: subject, Description: fmt.Sprintf(format, args...)}
}
