//! The ways the reference can break the knowledge base (how it names a product, prescribing alerts): the defects whose
//! behaviour lives in this area's handlers, declared beside them. Each
//! names the requirement(s) it must make fail (some in other areas, where a
//! check made here is what those requirements judge).

crate::reference::defect::defects! {
    KnwDefect {
        OrderNamesIngredient = "order-names-ingredient" ["RFA-KNW-001"]
            "names a product it picks by code by its ingredient instead of the product's dm+d name, on the order it sends EPS";
        RecordedConceptByCode = "recorded-concept-by-code" ["RFA-KNW-002"]
            "records a clinical concept picked by its code alone under its code, not the name SNOMED CT gives it";
        NoAllergyCheck = "no-allergy-check" ["RFA-KNW-010", "RFA-KNW-011", "RFA-KNW-019"]
            "does not check a prescription against the patient's allergies";
        NoInteractionCheck = "no-interaction-check" ["RFA-KNW-012", "RFA-KNW-013", "RFA-KNW-014", "RFA-KNW-018", "RFA-KNW-019"]
            "does not check a prescription against the patient's current medication";
        ModerateBlocks = "moderate-blocks" ["RFA-KNW-014", "RFA-KNW-015", "RFA-KNW-019"]
            "stops prescriptions for moderate alerts as if they were high-severity";
        NoDuplicateCheck = "no-duplicate-check" ["RFA-KNW-015"]
            "does not warn of duplicate therapy";
        AlertsOnResolvedAllergy = "alerts-on-resolved-allergy" ["RFA-KNW-016"]
            "alerts on allergies that have resolved";
        StoppedMedicationCurrent = "stopped-medication-current" ["RFA-KNW-016"]
            "counts the record's stopped repeats as current medication when it checks a prescription";
        AlertsOnNoAllergyRecord = "alerts-on-no-allergy-record" ["RFA-KNW-016"]
            "raises a moderate allergy alert (\"no allergy information recorded\") for a patient whose record holds no allergy entry";
        KbIgnoresNewPrescriptions = "kb-ignores-new-prescriptions" ["RFA-KNW-018"]
            "checks interactions against the record's repeats only, not against prescriptions just issued";
    }
}
