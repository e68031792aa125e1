//! A small query builder for the `Any` driver. sqlx's own builder writes `?` for `Any`,
//! which PostgreSQL does not accept. PostgreSQL gets `$1, $2, …`; SQLite gets plain
//! positional `?`, because SQLite records every numbered or named parameter (`$n`, `?n`)
//! in a list it searches linearly, which makes a 12,000-parameter batch insert quadratic
//! (200 ms instead of 6 ms for 1,000 rows).

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Encode, Type};

use crate::db::Backend;
use crate::error::{ApiError, Result};

pub struct Sql {
    text: String,
    args: AnyArguments<'static>,
    n: usize,
    mark: char,
}

impl Sql {
    pub fn new(backend: Backend, head: impl Into<String>) -> Self {
        let mark = match backend {
            Backend::Sqlite => '?',
            Backend::Postgres => '$',
        };
        Sql {
            text: head.into(),
            args: AnyArguments::default(),
            n: 0,
            mark,
        }
    }

    pub fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    pub fn bind<T>(&mut self, value: T) -> Result<&mut Self>
    where
        T: 'static + Send + Encode<'static, Any> + Type<Any>,
    {
        self.args
            .add(value)
            .map_err(|e| ApiError::internal(format!("bind: {e}")))?;
        self.n += 1;
        self.text.push(self.mark);
        if self.mark == '$' {
            self.text.push_str(&self.n.to_string());
        }
        Ok(self)
    }

    /// `(…), (…)` rows of binds for a multi-row INSERT.
    pub fn values<I, F>(&mut self, rows: I, mut each: F) -> Result<&mut Self>
    where
        I: IntoIterator,
        F: FnMut(&mut Row<'_>, I::Item) -> Result<()>,
    {
        self.text.push_str(" VALUES ");
        for (i, item) in rows.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.text.push('(');
            let mut row = Row {
                sql: self,
                first: true,
            };
            each(&mut row, item)?;
            self.text.push(')');
        }
        Ok(self)
    }

    pub async fn execute<'c, E>(self, executor: E) -> sqlx::Result<u64>
    where
        E: sqlx::Executor<'c, Database = Any>,
    {
        Ok(sqlx::query_with(&self.text, self.args)
            .execute(executor)
            .await?
            .rows_affected())
    }

    pub async fn fetch_all<'c, E>(self, executor: E) -> sqlx::Result<Vec<sqlx::any::AnyRow>>
    where
        E: sqlx::Executor<'c, Database = Any>,
    {
        sqlx::query_with(&self.text, self.args)
            .fetch_all(executor)
            .await
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn into_parts(self) -> (String, AnyArguments<'static>) {
        (self.text, self.args)
    }
}

pub struct Row<'a> {
    sql: &'a mut Sql,
    first: bool,
}

impl Row<'_> {
    pub fn bind<T>(&mut self, value: T) -> Result<&mut Self>
    where
        T: 'static + Send + Encode<'static, Any> + Type<Any>,
    {
        if !self.first {
            self.sql.text.push_str(", ");
        }
        self.first = false;
        self.sql.bind(value)?;
        Ok(self)
    }
}
