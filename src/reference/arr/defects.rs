//! The ways the reference can break patient arrival: the defects whose
//! behaviour lives in this area's handlers, declared beside them. Each
//! names the requirement(s) it must make fail (some in other areas, where a
//! check made here is what those requirements judge).

crate::reference::defect::defects! {
    ArrDefect {
        AttendanceNotKept = "attendance-not-kept" ["RFA-ARR-001", "RFA-ARR-002", "RFA-ARR-003", "RFA-ARR-004", "RFA-ARR-005", "RFA-ARR-006", "RFA-ARR-007", "RFA-ARR-008", "RFA-ARR-010"]
            "says an arrival or did-not-attend was done but does not keep it";
        ArrivalAnyDay = "arrival-any-day" ["RFA-ARR-003"]
            "marks arrival on appointments of any day";
        ArrivalForAnyPatient = "arrival-for-any-patient" ["RFA-ARR-004"]
            "marks an appointment arrived whichever patient the arrival names";
        ArrivalAnyStatus = "arrival-any-status" ["RFA-ARR-005"]
            "marks cancelled, arrived and did-not-attend appointments arrived";
        DidNotAttendBeforeTheDay = "did-not-attend-before-the-day" ["RFA-ARR-007"]
            "marks did-not-attend before the appointment's day";
        DidNotAttendAnyStatus = "did-not-attend-any-status" ["RFA-ARR-007"]
            "marks did-not-attend on an appointment the patient arrived for";
        KeepsRefusedArrival = "keeps-refused-arrival" ["RFA-ARR-003", "RFA-ARR-004", "RFA-ARR-005", "RFA-ARR-007"]
            "marks the appointment arrived before checking an arrival or did-not-attend, and keeps it when the check refuses it";
        AttendanceUnknownDone = "attendance-unknown-done" ["RFA-ARR-010"]
            "says it marked an appointment it does not hold";
    }
}
