package app

import (
	"context"

	"github.com/vigil-soc/vigil/internal/audit"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/store"
)

type eventFormat = event.Format

func auditAppend(ctx context.Context, st store.Audit, actor, role, action, detail string) (store.AuditRecord, error) {
	return audit.NewLog(st).Append(ctx, store.AuditRecord{Actor: actor, Role: role, Action: action, Detail: detail})
}
