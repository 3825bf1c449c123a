//! Responses of the reference candidate: FHIR JSON with the headers the
//! profile requires, and GP Connect OperationOutcomes for errors.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fhir::Views as _;
use crate::fhir::gpc;

/// A FHIR resource to send with a status and optional ETag.
pub struct Fhir {
    pub status: StatusCode,
    pub body: Value,
    pub etag: Option<String>,
}

impl Fhir {
    pub fn ok(body: Value) -> Self {
        Self { status: StatusCode::OK, body, etag: None }
    }
}

impl IntoResponse for Fhir {
    fn into_response(self) -> Response {
        let mut resp = Response::new(Body::from(self.body.to_string()));
        *resp.status_mut() = self.status;
        let headers = resp.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/fhir+json; charset=utf-8"));
        if let Some(tag) = self.etag.and_then(|t| HeaderValue::from_str(&t).ok()) {
            headers.insert(header::ETAG, tag);
        }
        resp
    }
}

/// The body as a resource of this type: 400 if it is not JSON, 422
/// `INVALID_RESOURCE` if it is another resource.
pub fn resource_of(body: &[u8], ty: &str) -> Result<Value, Outcome> {
    let v: Value =
        serde_json::from_slice(body).map_err(|_| Outcome::new(SpineCode::BadRequest, "the body is not JSON"))?;
    if v.as_resource().resource_type() != Some(ty) {
        return Err(Outcome::new(SpineCode::InvalidResource, format!("the body must be a {ty}")));
    }
    Ok(v)
}

/// The logical id a reference at `pointer` names, if it is to a `ty`.
pub fn reference_id<'a>(v: &'a Value, pointer: &str, ty: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str).and_then(|r| r.strip_prefix(ty)).and_then(|r| r.strip_prefix('/'))
}

/// Adds `Location: http://[host][base]/[ty]/[id]/_history/1` to a create's
/// answer.
pub fn with_location(mut resp: Response, headers: &axum::http::HeaderMap, base: &str, ty: &str, id: &str) -> Response {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    if let Ok(v) = HeaderValue::from_str(&format!("http://{host}{base}/{ty}/{id}/_history/1")) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// A create's answer: 201, the resource at version 1, its Location.
pub fn created(headers: &axum::http::HeaderMap, base: &str, body: Value) -> Response {
    let ty = body.as_resource().resource_type().unwrap_or_default().to_string();
    let id = body.as_resource().id().unwrap_or_default().to_string();
    let resp = Fhir { status: StatusCode::CREATED, etag: Some("W/\"1\"".into()), body }.into_response();
    with_location(resp, headers, base, &ty, &id)
}

/// An error answered as a GPConnect-OperationOutcome-1.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub code: SpineCode,
    pub diagnostics: String,
    /// Left out under the `outcome-without-profile` defect.
    pub with_profile: bool,
    /// Resources the outcome carries (knowledge-base alerts, as
    /// DetectedIssues), so its one issue stays GP Connect's Spine issue.
    pub contained: Vec<Value>,
    /// A status other than the one the error table pairs with `code`: only
    /// defects set it (`auth-401-without-challenge`).
    pub status: Option<u16>,
    /// A `WWW-Authenticate` challenge (RFC 6750 §3), with a 401.
    pub challenge: Option<String>,
}

impl Outcome {
    pub fn new(code: SpineCode, diagnostics: impl Into<String>) -> Self {
        Self {
            code,
            diagnostics: diagnostics.into(),
            with_profile: true,
            contained: Vec::new(),
            status: None,
            challenge: None,
        }
    }

    pub fn body(&self) -> Value {
        let mut body = json!({
            "resourceType": "OperationOutcome",
            "meta": { "profile": [gpc::OPERATION_OUTCOME_PROFILE] },
            "issue": [{
                "severity": "error",
                "code": self.code.issue_type(),
                "details": { "coding": [{
                    "system": gpc::SPINE_ERROR_SYSTEM,
                    "code": self.code.code(),
                    "display": self.code.display(),
                }]},
                "diagnostics": self.diagnostics,
            }],
        });
        if !self.contained.is_empty() {
            body["contained"] = Value::Array(self.contained.clone());
        }
        if !self.with_profile
            && let Some(obj) = body.as_object_mut()
        {
            obj.remove("meta");
        }
        body
    }
}

impl IntoResponse for Outcome {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status.unwrap_or(self.code.status())).unwrap_or(StatusCode::BAD_REQUEST);
        let mut resp = Fhir { status, body: self.body(), etag: None }.into_response();
        if let Some(c) = self.challenge.as_deref().and_then(|c| HeaderValue::from_str(c).ok()) {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, c);
        }
        // The finishing middleware reads this to apply defects that shape
        // every OperationOutcome.
        resp.extensions_mut().insert(self);
        resp
    }
}

/// Spine error codes with the HTTP status and FHIR issue type GP Connect's
/// error-handling guidance pairs them with, as the reference reads that
/// guidance. The judge keeps its own reading (the `operation-outcome` schema
/// and `steps::common::http`), so one misreading cannot pass both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpineCode {
    BadRequest,
    ConflictingValues,
    InvalidIdentifierSystem,
    InvalidIdentifierValue,
    InvalidNhsNumber,
    InvalidPatientDemographics,
    InvalidResource,
    InvalidParameter,
    PatientNotFound,
    OrganisationNotFound,
    PractitionerNotFound,
    NoRecordFound,
    NoPatientConsent,
    NoRelationship,
    AccessDenied,
    DuplicateRejected,
    FhirConstraintViolation,
    ReferenceNotFound,
    InternalServerError,
}

impl SpineCode {
    pub const ALL: [SpineCode; 19] = [
        Self::BadRequest,
        Self::ConflictingValues,
        Self::InvalidIdentifierSystem,
        Self::InvalidIdentifierValue,
        Self::InvalidNhsNumber,
        Self::InvalidPatientDemographics,
        Self::InvalidResource,
        Self::InvalidParameter,
        Self::PatientNotFound,
        Self::OrganisationNotFound,
        Self::PractitionerNotFound,
        Self::NoRecordFound,
        Self::NoPatientConsent,
        Self::NoRelationship,
        Self::AccessDenied,
        Self::DuplicateRejected,
        Self::FhirConstraintViolation,
        Self::ReferenceNotFound,
        Self::InternalServerError,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::BadRequest => "BAD_REQUEST",
            Self::ConflictingValues => "CONFLICTING_VALUES",
            Self::InvalidIdentifierSystem => "INVALID_IDENTIFIER_SYSTEM",
            Self::InvalidIdentifierValue => "INVALID_IDENTIFIER_VALUE",
            Self::InvalidNhsNumber => "INVALID_NHS_NUMBER",
            Self::InvalidPatientDemographics => "INVALID_PATIENT_DEMOGRAPHICS",
            Self::InvalidResource => "INVALID_RESOURCE",
            Self::InvalidParameter => "INVALID_PARAMETER",
            Self::PatientNotFound => "PATIENT_NOT_FOUND",
            Self::OrganisationNotFound => "ORGANISATION_NOT_FOUND",
            Self::PractitionerNotFound => "PRACTITIONER_NOT_FOUND",
            Self::NoRecordFound => "NO_RECORD_FOUND",
            Self::NoPatientConsent => "NO_PATIENT_CONSENT",
            Self::NoRelationship => "NO_RELATIONSHIP",
            // Spelt with a space in GP Connect's error table.
            Self::AccessDenied => "ACCESS DENIED",
            Self::DuplicateRejected => "DUPLICATE_REJECTED",
            Self::FhirConstraintViolation => "FHIR_CONSTRAINT_VIOLATION",
            Self::ReferenceNotFound => "REFERENCE_NOT_FOUND",
            Self::InternalServerError => "INTERNAL_SERVER_ERROR",
        }
    }

    pub fn display(self) -> &'static str {
        match self {
            Self::BadRequest => "Bad request",
            Self::ConflictingValues => "Conflicting values have been specified in different fields",
            Self::InvalidIdentifierSystem => "Invalid identifier system",
            Self::InvalidIdentifierValue => "Invalid identifier value",
            Self::InvalidNhsNumber => "Invalid NHS number",
            Self::InvalidPatientDemographics => "Invalid patient demographics",
            Self::InvalidResource => "Invalid resource",
            Self::InvalidParameter => "Invalid parameter",
            Self::PatientNotFound => "Patient not found",
            Self::OrganisationNotFound => "Organisation not found",
            Self::PractitionerNotFound => "Practitioner not found",
            Self::NoRecordFound => "No record found",
            Self::NoPatientConsent => "Patient has not provided consent to share data",
            Self::NoRelationship => "No legitimate relationship exists for this patient",
            Self::AccessDenied => "Access denied",
            Self::DuplicateRejected => "Create would lead to creation of a duplicate resource",
            Self::FhirConstraintViolation => "FHIR constraint violated",
            Self::ReferenceNotFound => "Referenced resource not found",
            Self::InternalServerError => "Internal server error",
        }
    }

    pub fn status(self) -> u16 {
        match self {
            Self::BadRequest
            | Self::ConflictingValues
            | Self::InvalidIdentifierSystem
            | Self::InvalidIdentifierValue
            | Self::InvalidNhsNumber
            | Self::InvalidPatientDemographics => 400,
            Self::PatientNotFound | Self::OrganisationNotFound | Self::PractitionerNotFound | Self::NoRecordFound => {
                404
            }
            Self::InvalidResource | Self::InvalidParameter | Self::ReferenceNotFound => 422,
            Self::NoPatientConsent | Self::NoRelationship | Self::AccessDenied => 403,
            Self::DuplicateRejected | Self::FhirConstraintViolation => 409,
            Self::InternalServerError => 500,
        }
    }

    /// FHIR `OperationOutcome.issue.code` for the code.
    pub fn issue_type(self) -> &'static str {
        match self {
            Self::InvalidIdentifierSystem | Self::InvalidIdentifierValue | Self::InvalidNhsNumber => "value",
            Self::BadRequest
            | Self::ConflictingValues
            | Self::InvalidResource
            | Self::InvalidParameter
            | Self::ReferenceNotFound => "invalid",
            Self::DuplicateRejected => "duplicate",
            Self::InvalidPatientDemographics => "business-rule",
            Self::FhirConstraintViolation => "conflict",
            Self::PatientNotFound | Self::OrganisationNotFound | Self::PractitionerNotFound | Self::NoRecordFound => {
                "not-found"
            }
            Self::NoPatientConsent | Self::NoRelationship | Self::AccessDenied => "forbidden",
            Self::InternalServerError => "exception",
        }
    }
}
