//! The ways the reference can break electronic prescribing (issuing, cancelling, submitting to EPS): the defects whose
//! behaviour lives in this area's handlers, declared beside them. Each
//! names the requirement(s) it must make fail (some in other areas, where a
//! check made here is what those requirements judge).

crate::reference::defect::defects! {
    EpsDefect {
        PrescriptionDropsDosage = "prescription-drops-dosage" ["RFA-EPS-001", "RFA-EPS-008", "RFA-EPS-009", "RFA-EPS-010", "RFA-EPS-011", "RFA-EPS-015", "RFA-EPS-026", "RFA-EPS-027"]
            "issues a prescription without the dosage text (the label's instructions) it was given: the order EPS receives, and the prescription as it reads back, have none";
        ShortFormIdBadCheck = "short-form-id-bad-check" ["RFA-EPS-002", "RFA-EPS-014", "RFA-EPS-034"]
            "gives prescriptions short-form IDs whose last character is not the MOD 37-2 check character";
        ShortFormIdWithoutOds = "short-form-id-without-ods" ["RFA-EPS-003"]
            "puts another organisation's code, not the practice's ODS code, in the short-form ID's middle block";
        ShortFormIdReused = "short-form-id-reused" ["RFA-EPS-004", "RFA-EPS-034"]
            "gives a patient's later prescriptions the short-form ID of their first (through the trigger: the first it sent the same EPS)";
        PrescriptionsNotListed = "prescriptions-not-listed" ["RFA-DSP-006", "RFA-EPS-005"]
            "does not list a patient's prescriptions in a prescription search";
        PrescriptionsNotReadable = "prescriptions-not-readable" ["RFA-EPS-005", "RFA-KNW-019"]
            "issues and lists prescriptions but answers a read of one with 404";
        NominationNotKept = "nomination-not-kept" ["RFA-DSP-010", "RFA-EPS-012"]
            "accepts a nominated dispenser but does not keep it: the prescription is issued, dispensed and shown as if it named none";
        OmitsAuthoredOn = "omits-authored-on" ["RFA-EPS-006"]
            "does not stamp authoredOn on a new prescription";
        AcceptsMissingDosageText = "accepts-missing-dosage-text" ["RFA-EPS-007"]
            "issues prescriptions without dosage text";
        AcceptsUnstructuredDose = "accepts-unstructured-dose" ["RFA-EPS-008"]
            "issues prescriptions with dosage text only, no structured dose";
        AcceptsMissingQuantity = "accepts-missing-quantity" ["RFA-EPS-009"]
            "issues prescriptions without a positive quantity";
        AcceptsAnyQuantityUnit = "accepts-any-quantity-unit" ["RFA-EPS-010"]
            "accepts a quantity in a unit the product is not counted in";
        AcceptsAnyPrescriber = "accepts-any-prescriber" ["RFA-EPS-011"]
            "issues prescriptions whose prescriber is not a practitioner it knows by SDS user id";
        AcceptsMalformedNomination = "accepts-malformed-nomination" ["RFA-EPS-012"]
            "accepts a nominated dispenser that is not a well-formed ODS code";
        AllowsPaperPrescriptions = "allows-paper-prescriptions" ["RFA-EPS-013"]
            "prints paper-only prescriptions for patients who can receive electronic ones";
        UnnominatedGoesPaper = "unnominated-goes-paper" ["RFA-DSP-010", "RFA-EPS-001", "RFA-EPS-002", "RFA-EPS-003", "RFA-EPS-004", "RFA-EPS-006", "RFA-EPS-007", "RFA-EPS-008", "RFA-EPS-009", "RFA-EPS-010", "RFA-EPS-011", "RFA-EPS-013", "RFA-EPS-014", "RFA-EPS-015", "RFA-EPS-016", "RFA-EPS-017", "RFA-EPS-018", "RFA-EPS-019", "RFA-EPS-020", "RFA-EPS-021", "RFA-EPS-022", "RFA-EPS-023", "RFA-EPS-024", "RFA-EPS-025", "RFA-EPS-026", "RFA-EPS-027", "RFA-EPS-028", "RFA-EPS-029", "RFA-EPS-030", "RFA-EPS-031", "RFA-EPS-033", "RFA-EPS-034", "RFA-EPS-036", "RFA-EPS-037", "RFA-EPS-038", "RFA-EPS-039", "RFA-EPS-040", "RFA-EPS-041", "RFA-EPS-042", "RFA-EPS-043", "RFA-KNW-001", "RFA-KNW-006", "RFA-KNW-007", "RFA-KNW-008", "RFA-KNW-009", "RFA-KNW-010", "RFA-KNW-012", "RFA-KNW-017", "RFA-KNW-018"]
            "issues a prescription without a nominated dispenser on paper, with no short-form ID (EPS refuses an order without one)";
        PrescribesForUnknownPatient = "prescribes-for-unknown-patient" ["RFA-EPS-015"]
            "issues prescriptions for patients who are not registered here";
        AcceptsMissingPrescriptionType = "accepts-missing-prescription-type" ["RFA-EPS-016"]
            "takes a prescription without a prescription type as acute";
        PrescriptionTypeNotShown = "prescription-type-not-shown" ["RFA-EPS-018", "RFA-EPS-019", "RFA-EPS-030"]
            "loses a prescription's kind once issued: a repeat or repeat-dispensing prescription reaches EPS as an acute, and reads back without its type";
        AcuteWithRepeats = "acute-with-repeats" ["RFA-EPS-017"]
            "accepts further issues on an acute prescription";
        RepeatWithoutIssues = "repeat-without-issues" ["RFA-EPS-018"]
            "accepts a repeat that authorises no further issue";
        RepeatDispensingUnbounded = "repeat-dispensing-unbounded" ["RFA-EPS-019"]
            "accepts repeat-dispensing prescriptions without issues or with no or too late an end";
        NoExpiry = "no-expiry" ["RFA-EPS-019"]
            "gives prescriptions no validity end, repeat dispensing too";
        AcceptsLongValidity = "accepts-long-validity" ["RFA-EPS-019", "RFA-EPS-021"]
            "accepts a validity period longer than the law allows, or starting in the past";
        KeepsRefusedPrescription = "keeps-refused-prescription" ["RFA-EPS-007", "RFA-EPS-008", "RFA-EPS-009", "RFA-EPS-010", "RFA-EPS-011", "RFA-EPS-012", "RFA-EPS-013", "RFA-EPS-015", "RFA-EPS-016", "RFA-EPS-017", "RFA-EPS-018", "RFA-EPS-019", "RFA-EPS-021", "RFA-EPS-026", "RFA-EPS-027", "RFA-EPS-029", "RFA-EPS-030", "RFA-KNW-006", "RFA-KNW-007", "RFA-KNW-008", "RFA-KNW-009", "RFA-KNW-010", "RFA-KNW-012", "RFA-KNW-017", "RFA-KNW-018"]
            "refuses a prescription after it has already written it to the patient's prescriptions, or sent it to EPS, and leaves it there";
        KeepsRefusedCancellation = "keeps-refused-cancellation" ["RFA-EPS-023"]
            "refuses a cancellation after writing it to the prescription, or sending it to EPS, and leaves it there";
        CancelDropsReason = "cancel-drops-reason" ["RFA-DSP-005", "RFA-EPS-022", "RFA-EPS-023", "RFA-EPS-024", "RFA-EPS-025", "RFA-EPS-042"]
            "cancels a prescription without keeping the reason, and sends EPS a cancellation without one (EPS refuses it)";
        CancelsWithoutReason = "cancels-without-reason" ["RFA-EPS-023"]
            "cancels prescriptions without a reason, or with a reason EPS does not know";
        CancelNotKept = "cancel-not-kept" ["RFA-DSP-005", "RFA-EPS-024"]
            "answers a cancellation as done but leaves the prescription as it was";
        CancelsDispensed = "cancels-dispensed" ["RFA-EPS-025"]
            "cancels prescriptions that have already been dispensed: its own dispensary's, and reports cancelled one EPS refused to cancel";
        CdWithoutWords = "cd-without-words" ["RFA-EPS-026"]
            "issues Schedule 2 and 3 controlled drugs without the quantity in words";
        CdWordsUnchecked = "cd-words-unchecked" ["RFA-EPS-027"]
            "does not check that a controlled drug's quantity in words says the quantity in figures";
        CdWordsCaseSensitive = "cd-words-case-sensitive" ["RFA-EPS-027"]
            "compares a controlled drug's quantity in words with its own lower-case spelling case for case, refusing \"Twenty One\" for 21";
        CdLongValidity = "cd-long-validity" ["RFA-EPS-028"]
            "gives Schedule 2, 3 and 4 controlled drugs six months' validity instead of 28 days";
        CdAnySupply = "cd-any-supply" ["RFA-EPS-029"]
            "prescribes more than 30 days' supply of Schedule 2, 3 and 4 controlled drugs";
        CdRepeatDispensing = "cd-repeat-dispensing" ["RFA-EPS-030"]
            "puts Schedule 2 and 3 controlled drugs on repeat dispensing";
        WordsForEveryDrug = "words-for-every-drug" ["RFA-EPS-002", "RFA-EPS-028", "RFA-EPS-029", "RFA-EPS-030", "RFA-EPS-031"]
            "demands the quantity in words for every controlled drug, Schedules 4 and 5 too";
        PartialMarksDispensed = "partial-marks-dispensed" ["RFA-DSP-002"]
            "marks a prescription dispensed after the first part of it is supplied";
        DispensedNotMarked = "dispensed-not-marked" ["RFA-DSP-003"]
            "never marks a fully supplied prescription dispensed";
        PrescribesUnknownCode = "prescribes-unknown-code" ["RFA-KNW-006"]
            "prescribes codes that are not in its knowledge base";
        PrescribesInactiveCode = "prescribes-inactive-code" ["RFA-KNW-007"]
            "prescribes products dm+d has made invalid";
        PrescribingNoCheckDigit = "prescribing-no-check-digit" ["RFA-KNW-008"]
            "does not check the system and check digit of a prescribed code";
        CodeReadAsNumber = "code-read-as-number" ["RFA-KNW-008"]
            "reads a prescribed code as a number, so a code with a leading zero is taken for the concept without it";
        PrescribesVtm = "prescribes-vtm" ["RFA-KNW-009"]
            "prescribes a VTM (a drug, not a product)";
        OverrideNotRecorded = "override-not-recorded" ["RFA-KNW-011", "RFA-KNW-013", "RFA-KNW-019"]
            "lets a prescriber override a high-severity alert without keeping the alert and the reason";
        OverrideWithoutReason = "override-without-reason" ["RFA-KNW-017"]
            "lets a prescriber override an alert without giving a reason";
        AlertsLostOnRead = "alerts-lost-on-read" ["RFA-KNW-019"]
            "keeps no alert with the prescription: reading it back shows none";
        EpsOrderWithoutDmdCode = "eps-order-without-dmd-code" ["RFA-DSP-001", "RFA-DSP-002", "RFA-DSP-003", "RFA-DSP-004", "RFA-DSP-005", "RFA-DSP-007", "RFA-DSP-008", "RFA-DSP-009", "RFA-DSP-010", "RFA-DSP-011", "RFA-DSP-013", "RFA-DSP-015", "RFA-EPS-001", "RFA-EPS-002", "RFA-EPS-003", "RFA-EPS-004", "RFA-EPS-006", "RFA-EPS-007", "RFA-EPS-008", "RFA-EPS-009", "RFA-EPS-010", "RFA-EPS-011", "RFA-EPS-012", "RFA-EPS-013", "RFA-EPS-014", "RFA-EPS-015", "RFA-EPS-016", "RFA-EPS-017", "RFA-EPS-018", "RFA-EPS-019", "RFA-EPS-020", "RFA-EPS-021", "RFA-EPS-022", "RFA-EPS-023", "RFA-EPS-024", "RFA-EPS-025", "RFA-EPS-026", "RFA-EPS-027", "RFA-EPS-028", "RFA-EPS-029", "RFA-EPS-030", "RFA-EPS-031", "RFA-EPS-033", "RFA-EPS-038", "RFA-EPS-042", "RFA-EPS-043", "RFA-KNW-001", "RFA-KNW-006", "RFA-KNW-007", "RFA-KNW-008", "RFA-KNW-009", "RFA-KNW-010", "RFA-KNW-012", "RFA-KNW-017", "RFA-KNW-018"]
            "sends the medicine to EPS as text only, without its dm+d code (EPS refuses such an order)";
        EpsDmdSystem = "eps-dmd-system" ["RFA-DSP-001", "RFA-DSP-002", "RFA-DSP-003", "RFA-DSP-004", "RFA-DSP-005", "RFA-DSP-007", "RFA-DSP-008", "RFA-DSP-009", "RFA-DSP-010", "RFA-DSP-011", "RFA-DSP-013", "RFA-DSP-015", "RFA-EPS-001", "RFA-EPS-002", "RFA-EPS-003", "RFA-EPS-004", "RFA-EPS-006", "RFA-EPS-007", "RFA-EPS-008", "RFA-EPS-009", "RFA-EPS-010", "RFA-EPS-011", "RFA-EPS-012", "RFA-EPS-013", "RFA-EPS-014", "RFA-EPS-015", "RFA-EPS-016", "RFA-EPS-017", "RFA-EPS-018", "RFA-EPS-019", "RFA-EPS-020", "RFA-EPS-021", "RFA-EPS-022", "RFA-EPS-023", "RFA-EPS-024", "RFA-EPS-025", "RFA-EPS-026", "RFA-EPS-027", "RFA-EPS-028", "RFA-EPS-029", "RFA-EPS-030", "RFA-EPS-031", "RFA-EPS-033", "RFA-EPS-038", "RFA-EPS-042", "RFA-EPS-043", "RFA-KNW-001", "RFA-KNW-006", "RFA-KNW-007", "RFA-KNW-008", "RFA-KNW-009", "RFA-KNW-010", "RFA-KNW-012", "RFA-KNW-017", "RFA-KNW-018"]
            "codes the medicine under https://dmd.nhs.uk rather than SNOMED CT, where EPS reads dm+d codes (EPS refuses the order)";
        EpsRequesterPractitioner = "eps-requester-practitioner" ["RFA-DSP-001", "RFA-DSP-002", "RFA-DSP-003", "RFA-DSP-004", "RFA-DSP-005", "RFA-DSP-007", "RFA-DSP-008", "RFA-DSP-009", "RFA-DSP-010", "RFA-DSP-011", "RFA-DSP-013", "RFA-DSP-015", "RFA-EPS-001", "RFA-EPS-002", "RFA-EPS-003", "RFA-EPS-004", "RFA-EPS-006", "RFA-EPS-007", "RFA-EPS-008", "RFA-EPS-009", "RFA-EPS-010", "RFA-EPS-011", "RFA-EPS-012", "RFA-EPS-013", "RFA-EPS-014", "RFA-EPS-015", "RFA-EPS-016", "RFA-EPS-017", "RFA-EPS-018", "RFA-EPS-019", "RFA-EPS-020", "RFA-EPS-021", "RFA-EPS-022", "RFA-EPS-023", "RFA-EPS-024", "RFA-EPS-025", "RFA-EPS-026", "RFA-EPS-027", "RFA-EPS-028", "RFA-EPS-029", "RFA-EPS-030", "RFA-EPS-031", "RFA-EPS-033", "RFA-EPS-036", "RFA-EPS-037", "RFA-EPS-038", "RFA-EPS-042", "RFA-EPS-043", "RFA-KNW-001", "RFA-KNW-006", "RFA-KNW-007", "RFA-KNW-008", "RFA-KNW-009", "RFA-KNW-010", "RFA-KNW-012", "RFA-KNW-017", "RFA-KNW-018"]
            "names the prescriber as the order's requester directly (a Practitioner), not through a PractitionerRole (EPS refuses the order)";
        EpsBadCheckCharacter = "eps-bad-check-character" ["RFA-EPS-002", "RFA-EPS-014", "RFA-EPS-034"]
            "gives prescription IDs a wrong check character";
        EpsMissingSessionUrid = "eps-missing-session-urid" ["RFA-EPS-035"]
            "sends EPS requests without the NHSD-Session-URID header";
        EpsMissingPrescriberId = "eps-missing-prescriber-id" ["RFA-EPS-001", "RFA-EPS-006", "RFA-EPS-008", "RFA-EPS-009", "RFA-EPS-010", "RFA-EPS-011", "RFA-EPS-015", "RFA-EPS-026", "RFA-EPS-027", "RFA-EPS-036"]
            "names the prescriber in EPS messages without their SDS user id";
        EpsUnsigned = "eps-unsigned" ["RFA-EPS-037"]
            "sends prescription orders to EPS without the prescriber's signature (Provenance)";
        EpsNoRetry = "eps-no-retry" ["RFA-EPS-038", "RFA-EPS-039"]
            "gives up on a submission at EPS's first 503 and holds the prescription";
        EpsRetryNewIdentifiers = "eps-retry-new-identifiers" ["RFA-EPS-039"]
            "retries an EPS submission as a new message: new message identifier, prescription ID and X-Request-ID";
        EpsRetriesRejections = "eps-retries-rejections" ["RFA-EPS-025", "RFA-EPS-040"]
            "retries an EPS submission that EPS rejected as invalid (400)";
        EpsRetriesForever = "eps-retries-forever" ["RFA-EPS-041"]
            "tries an EPS submission twelve times before holding it";
        EpsCancelWrongPrescription = "eps-cancel-wrong-prescription" ["RFA-DSP-005", "RFA-EPS-022", "RFA-EPS-023", "RFA-EPS-024", "RFA-EPS-025", "RFA-EPS-042"]
            "sends a cancellation to EPS under a new prescription ID rather than the cancelled one's";
        EpsResubmitsCancelled = "eps-resubmits-cancelled" ["RFA-EPS-043"]
            "sends held prescriptions to EPS even when they were cancelled while held";
    }
}
