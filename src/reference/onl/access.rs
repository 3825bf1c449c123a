//! What a patient-scoped token (patient online access, profile §25)
//! reaches of the patient's own record.

use crate::reference::State;
use crate::reference::acc::guard::{self, Claims};
use crate::reference::onl::defects::OnlDefect;
use crate::reference::outcome::Outcome;

/// A patient reads their own record summary — allergies and medications —
/// and nothing else: `beyond_summary` says the request asks for more. A
/// practitioner's token passes.
pub fn summary_only(s: &State, claims: &Claims, nhs_number: &str, beyond_summary: bool) -> Result<(), Outcome> {
    if guard::acting_patient(claims).is_none() {
        return Ok(());
    }
    let d = |x| s.defects.has(x);
    let unknown = s.store.by_nhs_number(nhs_number).next().is_none();
    if !(unknown && d(OnlDefect::PatientAccessLeaksExistence)) {
        guard::own_nhs_number(s, claims, nhs_number)?;
    }
    if beyond_summary && !d(OnlDefect::PatientReadsWholeRecord) {
        return Err(guard::denied());
    }
    Ok(())
}
