//! The OpenAPI 3 document (`/openapi.json`) and a self-contained page listing the operations (`/api/docs`).

use crate::api;
use crate::ui::layout;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use maud::html;
use utoipa::OpenApi;

/// The API's OpenAPI description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "khabar API",
        description = "Deduplicated, cross-lingual conflict events and stories, each \
traceable to its evidence sentence. Errors are `{\"error\": {\"code\", \"message\"}}`. GET responses carry an ETag \
and honour If-None-Match (304). Request bodies are limited to 10 MB (413)."
    ),
    paths(
        api::get_article,
        api::list_stories,
        api::get_story,
        api::list_events,
        api::search,
        api::export,
        api::post_articles
    )
)]
pub struct ApiDoc;

pub(crate) async fn openapi_json() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

pub(crate) async fn docs_page() -> Html<String> {
    let doc = ApiDoc::openapi();
    let mut ops: Vec<(String, String, &utoipa::openapi::path::Operation)> = Vec::new();
    for (path, item) in &doc.paths.paths {
        for (method, op) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
        ] {
            if let Some(op) = op {
                ops.push((method.to_string(), path.clone(), op));
            }
        }
    }
    let body = html! {
        h1 { "khabar API" }
        p { "OpenAPI 3 document: " a href="/openapi.json" { "/openapi.json" } ". "
            (doc.info.description.clone().unwrap_or_default()) }
        @for (method, path, op) in &ops {
            section.op {
                h2 { span.method { (method) } " " code { (path) } }
                @if let Some(s) = &op.summary { p { (s) } }
                @if let Some(d) = &op.description { p.muted { (d) } }
                @if let Some(params) = &op.parameters {
                    @if !params.is_empty() {
                        table.params {
                            thead { tr { th { "parameter" } th { "in" } th { "description" } } }
                            tbody {
                                @for p in params {
                                    tr {
                                        td { code { (p.name) } }
                                        td { (param_in(&p.parameter_in)) }
                                        td { (p.description.clone().unwrap_or_default()) }
                                    }
                                }
                            }
                        }
                    }
                }
                ul.responses {
                    @for (code, resp) in &op.responses.responses {
                        li { code { (code) } " " (response_description(resp)) }
                    }
                }
            }
        }
    };
    Html(layout("API documentation", "docs", body).into_string())
}

fn response_description(r: &utoipa::openapi::RefOr<utoipa::openapi::Response>) -> String {
    match r {
        utoipa::openapi::RefOr::T(r) => r.description.clone(),
        utoipa::openapi::RefOr::Ref(r) => r.ref_location.clone(),
    }
}

fn param_in(p: &utoipa::openapi::path::ParameterIn) -> String {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
