//! The API's error type and its JSON body: `{"error": {"code": "bad_parameter", "message": "..."}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Everything a request or the server can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query or path parameter is invalid.
    #[error("{0}")]
    BadParameter(String),
    /// The request body is unusable.
    #[error("{0}")]
    BadBody(String),
    /// The body's media type is not accepted.
    #[error("unsupported content type {0:?}; send application/json or application/x-ndjson")]
    UnsupportedMediaType(String),
    /// The body is larger than the limit.
    #[error("request body larger than {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// No such id.
    #[error("{what} `{id}` not found")]
    NotFound {
        /// What was looked for (`story`).
        what: &'static str,
        /// The id asked for.
        id: String,
    },
    /// A feature this server was started without (search, ingest).
    #[error("{0}")]
    Unavailable(String),
    /// The store failed.
    #[error("store error: {0}")]
    Store(#[from] khabar_store::StoreError),
    /// The pipeline failed.
    #[error("pipeline error: {0}")]
    Pipeline(#[from] khabar_pipeline::PipelineError),
    /// An export failed.
    #[error("export error: {0}")]
    Export(#[from] khabar_export::ExportError),
    /// Binding or serving failed.
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
    /// Anything else (a panicked worker task).
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadParameter(_) | ApiError::BadBody(_) => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Store(_)
            | ApiError::Pipeline(_)
            | ApiError::Export(_)
            | ApiError::Io(_)
            | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadParameter(_) => "bad_parameter",
            ApiError::BadBody(_) => "bad_body",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::NotFound { .. } => "not_found",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Store(_) => "store_error",
            ApiError::Pipeline(_) => "pipeline_error",
            ApiError::Export(_) => "export_error",
            ApiError::Io(_) | ApiError::Internal(_) => "internal",
        }
    }
}

/// A JSON error response with this status, code and message.
pub fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({"error": {"code": code, "message": message}});
    (status, Json(body)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        // Internals are logged, not sent.
        let message = match &self {
            ApiError::Store(_)
            | ApiError::Pipeline(_)
            | ApiError::Export(_)
            | ApiError::Io(_)
            | ApiError::Internal(_) => "the server could not complete the request; see its log".to_string(),
            e => e.to_string(),
        };
        error_response(status, self.code(), &message)
    }
}
