//! XCS: other care settings (profile §35). An organisation of another care
//! setting reads a practice's records under its sharing agreement, which
//! names the parts of the record it may read; it never writes, and the
//! audit trail names it as itself.

pub mod defects;

use crate::fixtures::CareSetting;
use crate::reference::State;
use crate::reference::acc::guard::{self, Claims, requesting_ods};
use crate::reference::outcome::Outcome;
use crate::reference::outcome::SpineCode;
use crate::reference::xcs::defects::XcsDefect;

/// The sharing agreement of the care setting `ods` belongs to, if it is one.
fn agreement<'a>(s: &'a State, ods: Option<&str>) -> Option<&'a CareSetting> {
    ods.and_then(|code| s.care_settings.iter().find(|c| c.ods_code == code))
}

/// A care setting whose sharing agreement narrows what it reads gets only
/// the `requested` parts its agreement names (403 NO_RELATIONSHIP beyond
/// them). Every other organisation reads under the national data-sharing
/// agreement, as RFA-INF-066 has it.
pub fn sharing_agreement(s: &State, claims: &Claims, requested: &[&str]) -> Result<(), Outcome> {
    let d = |x| s.defects.has(x);
    let Some(agreement) = agreement(s, requesting_ods(claims)) else {
        return Ok(());
    };
    // A patient-scoped token is bounded by what a patient reads instead.
    if guard::acting_patient(claims).is_some() || d(XcsDefect::CareSettingsReadEverything) {
        return Ok(());
    }
    if d(XcsDefect::CareSettingsRefused) {
        return Err(Outcome::new(SpineCode::NoRelationship, "care settings are not served"));
    }
    let beyond: Vec<&str> = requested.iter().copied().filter(|p| !agreement.parts.iter().any(|a| a == p)).collect();
    if beyond.is_empty() {
        return Ok(());
    }
    Err(Outcome::new(
        SpineCode::NoRelationship,
        format!(
            "the sharing agreement of {} ({}) does not cover {}",
            agreement.setting,
            agreement.ods_code,
            beyond.join(", ")
        ),
    ))
}

/// How the audit trail names the requesting organisation `ods`.
pub fn audited_organization(s: &State, ods: &str) -> String {
    if agreement(s, Some(ods)).is_some() && s.defects.has(XcsDefect::AuditMisnamesCareSettings) {
        s.ods_code.clone()
    } else {
        ods.to_string()
    }
}
