//! The prescriptions the reference holds (its own and the test data's),
//! and how each reads back: its EPS status follows from what was
//! dispensed, cancelled or has expired, never stored beside it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::{Value, json};
use time::Date;

use crate::fhir::gpc;
use crate::medicines;
use crate::reference::State;
use crate::reference::eps::defects::EpsDefect;
use crate::support::clock;

/// What kind of prescription, as CareConnect's prescription type codes
/// name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Acute,
    Repeat,
    RepeatDispensing,
}

impl Kind {
    pub(super) fn parse(code: &str) -> Option<Self> {
        match code {
            "acute" => Some(Self::Acute),
            "repeat" => Some(Self::Repeat),
            "repeat-dispensing" => Some(Self::RepeatDispensing),
            _ => None,
        }
    }
}

/// A prescription the reference issued (or holds as test data).
#[derive(Debug, Clone)]
pub struct Prescription {
    pub id: String,
    pub patient: String,
    pub code: String,
    pub quantity: f64,
    pub unit: String,
    pub kind: Kind,
    /// Issues after the first a repeat-dispensing prescription allows.
    pub repeats: u32,
    /// The dispenser it is nominated to (ODS code), if any.
    pub nominated: Option<String>,
    pub valid_until: Date,
    /// The quantities dispensed against it, in order.
    pub dispensed: Vec<f64>,
    pub cancelled: Option<Value>,
    pub version: u32,
    /// The resource as issued (status fields are worked out on reading).
    pub resource: Value,
}

impl Prescription {
    /// Whether nothing more may be dispensed.
    pub fn fully_dispensed(&self) -> bool {
        match self.kind {
            Kind::RepeatDispensing => self.dispensed.len() as u32 > self.repeats,
            _ => self.dispensed.iter().sum::<f64>() >= self.quantity - 1e-9,
        }
    }

    pub fn expired(&self, today: Date) -> bool {
        self.valid_until < today
    }

    /// EPS's prescription status: (code, display, FHIR status).
    fn status(&self, today: Date, defects: &crate::reference::DefectSet) -> (&'static str, &'static str, &'static str) {
        let full = self.fully_dispensed() && !defects.has(EpsDefect::DispensedNotMarked);
        let some = !self.dispensed.is_empty();
        if self.cancelled.is_some() {
            ("0005", "Cancelled", "cancelled")
        } else if full || (some && defects.has(EpsDefect::PartialMarksDispensed)) {
            ("0006", "Dispensed", "completed")
        } else if some {
            ("0003", "With Dispenser - Active", "active")
        } else if self.expired(today) {
            ("0004", "Expired", "active")
        } else {
            ("0001", "To be Dispensed", "active")
        }
    }

    /// The resource as the API shows it now.
    pub fn view(&self, s: &State) -> Value {
        let mut r = self.resource.clone();
        let (code, display, status) = self.status(clock::today(), &s.defects);
        r["status"] = json!(status);
        r["meta"] = json!({ "versionId": self.version.to_string() });
        set_extension(
            &mut r,
            gpc::PRESCRIPTION_STATUS_EXTENSION,
            json!({ "valueCoding": { "system": gpc::PRESCRIPTION_STATUS_SYSTEM, "code": code, "display": display } }),
        );
        if let Some(reason) = &self.cancelled
            && !s.defects.has(EpsDefect::CancelDropsReason)
        {
            set_extension(&mut r, gpc::STATUS_REASON_EXTENSION, json!({ "valueCoding": reason }));
        }
        r
    }

    /// [`Self::view`] as a later read or search shows it.
    pub(super) fn read_view(&self, s: &State) -> Value {
        let mut r = self.view(s);
        if s.defects.has(EpsDefect::AlertsLostOnRead)
            && let Some(o) = r.as_object_mut()
        {
            o.remove("contained");
            o.remove("detectedIssue");
        }
        r
    }
}

pub(super) fn set_extension(r: &mut Value, url: &str, value: Value) {
    let mut ext = value;
    ext["url"] = json!(url);
    let list = r.as_object_mut().map(|o| o.entry("extension").or_insert_with(|| json!([])));
    if let Some(Value::Array(list)) = list {
        list.retain(|e| e.get("url").and_then(Value::as_str) != Some(url));
        list.push(ext);
    }
}

/// The prescriptions the reference holds, indexed by id and by patient:
/// every dispense, read and prescribing check finds them without a scan of
/// all of them (a long-lived candidate holds thousands).
#[derive(Debug, Default)]
pub struct Book {
    list: Vec<Prescription>,
    by_id: HashMap<String, usize>,
    by_patient: HashMap<String, Vec<usize>>,
}

impl Book {
    pub fn push(&mut self, p: Prescription) {
        let i = self.list.len();
        self.by_id.insert(p.id.clone(), i);
        self.by_patient.entry(p.patient.clone()).or_default().push(i);
        self.list.push(p);
    }

    pub fn get(&self, id: &str) -> Option<&Prescription> {
        self.by_id.get(id).and_then(|&i| self.list.get(i))
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Prescription> {
        self.by_id.get(id).and_then(|&i| self.list.get_mut(i))
    }

    /// The patient's prescriptions, oldest first.
    pub fn of_patient<'a>(&'a self, patient: &str) -> impl Iterator<Item = &'a Prescription> + 'a {
        self.by_patient.get(patient).into_iter().flatten().filter_map(|&i| self.list.get(i))
    }
}

#[derive(Debug, Default)]
pub struct Prescriptions {
    pub inner: Mutex<Book>,
    sequence: AtomicU32,
}

impl Prescriptions {
    /// Test data: for each dispensing patient, an acute prescription issued
    /// 200 days before `today`, so it expired 17 or so days ago (profile
    /// §23, relative test data).
    pub fn seeded(store: &crate::reference::store::Store, today: Date, ods: &str) -> Self {
        let me = Self::default();
        let issued = today - time::Duration::days(200);
        let Some(amoxicillin) = medicines::terminology().by_display("Amoxicillin 500mg capsules") else {
            return me;
        };
        for p in store.patients.iter().filter(|p| p.has(crate::fixtures::PatientFlag::Dispensing)) {
            let id = format!("expired-{}", p.key);
            let valid_until = clock::add_months(issued, 6);
            let resource = json!({
                "resourceType": "MedicationRequest",
                "id": id,
                "groupIdentifier": { "system": gpc::PRESCRIPTION_ORDER_SYSTEM, "value": me.short_form_id(ods) },
                "identifier": [{ "system": gpc::PRESCRIPTION_ITEM_SYSTEM, "value": uuid::Uuid::new_v4().to_string() }],
                "intent": "order",
                "extension": [type_extension("acute")],
                "medicationCodeableConcept": { "coding": [{ "system": gpc::SNOMED_SYSTEM, "code": amoxicillin.code, "display": amoxicillin.display }] },
                "subject": { "reference": format!("Patient/{}", p.id) },
                "authoredOn": format!("{}T09:30:00+00:00", clock::ymd(issued)),
                "dosageInstruction": [{ "text": "One capsule three times a day", "timing": { "repeat": { "frequency": 3, "period": 1, "periodUnit": "d" } }, "doseQuantity": { "value": 1, "unit": "capsule" } }],
                "dispenseRequest": {
                    "quantity": { "value": 21, "unit": "capsule" },
                    "validityPeriod": { "start": clock::ymd(issued), "end": clock::ymd(valid_until) },
                    "performer": { "identifier": { "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": ods } }
                }
            });
            crate::reference::locked(&me.inner).push(Prescription {
                id,
                patient: p.id.clone(),
                code: amoxicillin.code.clone(),
                quantity: 21.0,
                unit: "capsule".into(),
                kind: Kind::Acute,
                repeats: 0,
                nominated: Some(ods.to_string()),
                valid_until,
                dispensed: Vec::new(),
                cancelled: None,
                version: 1,
                resource,
            });
        }
        me
    }

    /// A new short-form prescription ID for this prescriber.
    pub(super) fn short_form_id(&self, ods: &str) -> String {
        use rand::RngExt as _;
        let seq = self.sequence.fetch_add(1, Ordering::Relaxed) + 1;
        crate::fhir::prescription_id::generate(rand::rng().random_range(0..0x100_0000), ods, seq)
            .unwrap_or_else(|| format!("{:06X}-000000-00000", seq))
    }
}

pub(super) fn type_extension(code: &str) -> Value {
    json!({
        "url": gpc::PRESCRIPTION_TYPE_EXTENSION,
        "valueCodeableConcept": { "coding": [{ "system": gpc::PRESCRIPTION_TYPE_SYSTEM, "code": code }] }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prescription(id: &str, patient: &str) -> Prescription {
        Prescription {
            id: id.into(),
            patient: patient.into(),
            code: "322236009".into(),
            quantity: 21.0,
            unit: "tablet".into(),
            kind: Kind::Acute,
            repeats: 0,
            nominated: None,
            valid_until: clock::today(),
            dispensed: vec![],
            cancelled: None,
            version: 1,
            resource: json!({}),
        }
    }

    #[test]
    fn the_book_finds_by_id_and_by_patient() {
        let mut b = Book::default();
        b.push(prescription("a", "p1"));
        b.push(prescription("b", "p2"));
        b.push(prescription("c", "p1"));
        assert_eq!(b.get("b").map(|p| p.patient.as_str()), Some("p2"));
        assert!(b.get("z").is_none());
        let ids: Vec<&str> = b.of_patient("p1").map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        if let Some(p) = b.get_mut("c") {
            p.dispensed.push(21.0);
        }
        assert!(b.get("c").is_some_and(Prescription::fully_dispensed));
        assert_eq!(b.of_patient("nobody").count(), 0);
    }

    #[test]
    fn repeat_dispensing_is_done_after_its_last_issue() {
        let mut p = prescription("rd", "p1");
        p.kind = Kind::RepeatDispensing;
        p.repeats = 2;
        p.dispensed = vec![21.0, 21.0];
        assert!(!p.fully_dispensed());
        p.dispensed.push(21.0);
        assert!(p.fully_dispensed());
    }
}
