//! The ways the reference can break other care settings: the defects whose
//! behaviour lives in this area's handlers, declared beside them. Each
//! names the requirement(s) it must make fail (some in other areas, where a
//! check made here is what those requirements judge).

crate::reference::defect::defects! {
    XcsDefect {
        CareSettingsRefused = "care-settings-refused" ["RFA-XCS-001", "RFA-XCS-003", "RFA-XCS-004"]
            "refuses other care settings' sharing agreements: their reads are refused as if they had none";
        CareSettingsReadEverything = "care-settings-read-everything" ["RFA-XCS-002"]
            "gives another care setting every part of the structured record it asks for, whatever its sharing agreement covers";
        AuditMisnamesCareSettings = "audit-misnames-care-settings" ["RFA-XCS-004"]
            "audits another care setting's reads under the practice's own ODS code";
    }
}
