//! The ways the reference can break dispensing: the defects whose
//! behaviour lives in this area's handlers, declared beside them. Each
//! names the requirement(s) it must make fail (some in other areas, where a
//! check made here is what those requirements judge).

crate::reference::defect::defects! {
    DspDefect {
        KeepsRefusedDispense = "keeps-refused-dispense" ["RFA-DSP-004", "RFA-DSP-005", "RFA-DSP-007", "RFA-DSP-008", "RFA-DSP-009", "RFA-DSP-010", "RFA-DSP-011", "RFA-DSP-013", "RFA-DSP-015"]
            "lists a dispense against its prescription before checking it, and keeps it when the check refuses it";
        DispenseDropsPrescription = "dispense-drops-prescription" ["RFA-DSP-001", "RFA-DSP-002", "RFA-DSP-003", "RFA-DSP-004", "RFA-DSP-005", "RFA-DSP-007", "RFA-DSP-008", "RFA-DSP-009", "RFA-DSP-010", "RFA-DSP-011", "RFA-DSP-013", "RFA-DSP-015"]
            "records a dispense without the prescription it was made against: its dispense notification names none (EPS refuses it), and the extension answers it without one";
        OverDispensing = "over-dispensing" ["RFA-DSP-004"]
            "dispenses more than was prescribed";
        RefusesTheRest = "refuses-the-rest" ["RFA-DSP-003", "RFA-DSP-004", "RFA-DSP-012"]
            "miscounts what is left once part of a prescription has been supplied, and refuses the supply that would finish it";
        DispensesCancelled = "dispenses-cancelled" ["RFA-DSP-005"]
            "dispenses cancelled prescriptions";
        DispensesExpired = "dispenses-expired" ["RFA-DSP-006"]
            "dispenses expired prescriptions";
        DispensesOtherMedication = "dispenses-other-medication" ["RFA-DSP-007"]
            "records a dispense of a different medicine from the one prescribed";
        DispensesToOtherPatient = "dispenses-to-other-patient" ["RFA-DSP-008"]
            "records a dispense for a different patient from the prescription's";
        DispensesToAnyone = "dispenses-to-anyone" ["RFA-DSP-009"]
            "dispenses to patients who are not the practice's dispensing patients";
        DispensesNominatedElsewhere = "dispenses-nominated-elsewhere" ["RFA-DSP-010"]
            "dispenses prescriptions nominated to another dispenser";
        DispenseAnyUnit = "dispense-any-unit" ["RFA-DSP-011"]
            "records dispenses in any unit, or of nothing";
        DispensesNotListed = "dispenses-not-listed" ["RFA-DSP-012"]
            "does not list the dispenses made against a prescription";
        RepeatDispensingUnlimited = "repeat-dispensing-unlimited" ["RFA-DSP-013"]
            "dispenses a repeat-dispensing prescription more times than it has issues";
        DispensesOnlyOwnNominations = "dispenses-only-own-nominations" ["RFA-DSP-010"]
            "dispenses only prescriptions nominated to the practice itself, refusing those with no nomination";
        RepeatDispensingOffByOne = "repeat-dispensing-off-by-one" ["RFA-DSP-013"]
            "allows a repeat-dispensing prescription as many dispenses as its further issues, forgetting the first issue";
        DispenseUnknownPrescription = "dispense-unknown-prescription" ["RFA-DSP-015"]
            "records dispenses against prescriptions it does not hold";
    }
}
