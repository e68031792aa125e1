//! Account rows and the masked view of them that clients get.

use huiji_domain::mask::{mask_id_number, mask_phone};
use huiji_domain::wire::{AccountKind, AccountView, GrantView};
use sqlx::Row;
use uuid::Uuid;

use crate::auth::parse_uuid;
use crate::error::{ApiError, Result};
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: Uuid,
    pub kind: String,
    pub phone: Option<String>,
    pub credit_code: Option<String>,
    pub org_name: Option<String>,
    pub password_hash: Option<String>,
    pub real_name: Option<String>,
    pub id_number: Option<String>,
    pub status: String,
    pub failed_logins: i64,
    pub locked_until: i64,
}

const COLUMNS: &str = "id, kind, phone, credit_code, org_name, password_hash, real_name, \
                       id_number, status, failed_logins, locked_until";

fn from_row(row: &sqlx::any::AnyRow) -> Result<AccountRow> {
    Ok(AccountRow {
        id: parse_uuid(&row.try_get::<String, _>(0)?)?,
        kind: row.try_get(1)?,
        phone: row.try_get(2)?,
        credit_code: row.try_get(3)?,
        org_name: row.try_get(4)?,
        password_hash: row.try_get(5)?,
        real_name: row.try_get(6)?,
        id_number: row.try_get(7)?,
        status: row.try_get(8)?,
        failed_logins: row.try_get(9)?,
        locked_until: row.try_get(10)?,
    })
}

pub async fn find_by(
    state: &AppState,
    column: &'static str,
    value: &str,
) -> Result<Option<AccountRow>> {
    debug_assert!(matches!(
        column,
        "id" | "phone" | "credit_code" | "id_number" | "org_name"
    ));
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE {column} = $1");
    let row = sqlx::query(&sql)
        .bind(value)
        .fetch_optional(&state.db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn get(state: &AppState, id: Uuid) -> Result<AccountRow> {
    find_by(state, "id", &id.to_string())
        .await?
        .ok_or_else(|| ApiError::not_found("账号"))
}

pub async fn view(state: &AppState, account: &AccountRow) -> Result<AccountView> {
    let rows = sqlx::query(
        "SELECT g.role, g.node_id, r.node_path, r.body FROM grants g \
         LEFT JOIN records r ON r.id = g.node_id AND r.kind = 'org_node' \
         WHERE g.account_id = $1 ORDER BY g.created_at, g.role",
    )
    .bind(account.id.to_string())
    .fetch_all(&state.db.pool)
    .await?;
    let mut grants = Vec::new();
    for row in rows {
        let role: String = row.try_get(0)?;
        let Some(role) = huiji_domain::org::Role::parse(&role) else {
            continue;
        };
        let node_id: Option<String> = row.try_get(1)?;
        let node_path: Option<String> = row.try_get(2)?;
        let body: Option<String> = row.try_get(3)?;
        let node_name = body
            .and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok())
            .and_then(|v| v.get("name").and_then(|n| n.as_str()).map(str::to_owned));
        grants.push(GrantView {
            role,
            node_id: node_id.as_deref().and_then(|s| Uuid::parse_str(s).ok()),
            node_name,
            node_path,
        });
    }
    let kind = if account.kind == "organisation" {
        AccountKind::Organisation
    } else {
        AccountKind::Person
    };
    // An organisation completes its profile before anything else (seed 001 §2.2.2).
    let org_needs_profile = kind == AccountKind::Organisation
        && sqlx::query("SELECT 1 FROM org_profiles WHERE account_id = $1")
            .bind(account.id.to_string())
            .fetch_optional(&state.db.pool)
            .await?
            .is_none();
    Ok(AccountView {
        id: account.id,
        kind,
        phone_masked: account.phone.as_deref().map(mask_phone),
        real_name: account.real_name.clone(),
        id_number_masked: account.id_number.as_deref().map(mask_id_number),
        credit_code: account.credit_code.clone(),
        org_name: account.org_name.clone(),
        grants,
        needs_profile: org_needs_profile
            || kind == AccountKind::Person
                && (account.real_name.is_none() || account.id_number.is_none()),
    })
}
