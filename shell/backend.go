package shell

import (
	"github.com/keystonedb/kstone-shell/engine"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// Backend is what the shell needs of a database: DynamoDB's data-plane
// operations. *engine.DB implements it; a DynamoDB-API client can too.
type Backend interface {
	PutItem(engine.PutItemRequest) (engine.ItemResponse, error)
	GetItem(engine.GetItemRequest) (engine.ItemResponse, error)
	DeleteItem(engine.DeleteItemRequest) (engine.ItemResponse, error)
	UpdateItem(engine.UpdateItemRequest) (engine.ItemResponse, error)
	Query(engine.QueryRequest) (engine.ItemsResponse, error)
	Scan(engine.ScanRequest) (engine.ItemsResponse, error)
	ExecuteStatement(engine.StatementRequest) (engine.ItemsResponse, error)
	TableInfos() []engine.TableInfo
}

// Admin is the embedded engine's operator surface, used by the dot
// commands that look inside the database. A remote backend has none.
type Admin interface {
	Stats() engine.Stats
	Health() engine.HealthReport
	Flush() error
	Sync() error
	Compact(stripe int) error
	CompactAll() error
	StripeDetail(stripe int) (engine.StripeDetail, error)
	Durability() engine.Durability
	SetDurability(engine.Durability) error
	ExplainGet(table string, key item.Item) (engine.Explain, error)
	ExplainQuery(engine.QueryRequest) (engine.Explain, error)
	ExplainScan(engine.ScanRequest) (engine.Explain, error)
	Path() string
}

var (
	_ Backend = (*engine.DB)(nil)
	_ Admin   = (*engine.DB)(nil)
)
