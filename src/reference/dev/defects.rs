//! The ways the reference can break device readings: the defects whose
//! behaviour lives in this area's handlers, declared beside them. Each
//! names the requirement(s) it must make fail (some in other areas, where a
//! check made here is what those requirements judge).

crate::reference::defect::defects! {
    DevDefect {
        DeviceNotReadable = "device-not-readable" ["RFA-DEV-001"]
            "registers devices but answers a read of one with 404";
        DeviceSerialNotKept = "device-serial-not-kept" ["RFA-DEV-001"]
            "registers a device but does not keep its serial number: the Device is answered and read back without its identifier";
        DeviceRegistrationUnchecked = "device-registration-unchecked" ["RFA-DEV-002"]
            "registers any device: unknown types, no serial number, patients not registered here";
        ReadingDropsDevice = "reading-drops-device" ["RFA-DEV-003", "RFA-DEV-004"]
            "files a device reading without its device reference";
        DeviceUnitsUnchecked = "device-units-unchecked" ["RFA-DEV-004"]
            "does not check the units of a device reading's blood pressure components";
        ImplausibleReadingsAccepted = "implausible-readings-accepted" ["RFA-DEV-005"]
            "files device readings whatever their value: 0 kg, 120 % saturation, a systolic below the diastolic";
        SaturationNormalRangeAsPlausible = "saturation-normal-range-as-plausible" ["RFA-DEV-005"]
            "refuses an oxygen saturation below 90 % as implausible, taking the normal range for the range a real reading falls in";
        DeviceOwnerUnchecked = "device-owner-unchecked" ["RFA-DEV-006"]
            "files a reading to whichever patient it names, whoever the device was issued to";
        DeviceMeasuresAnything = "device-measures-anything" ["RFA-DEV-007"]
            "takes any kind of reading from any device (a weight from a pulse oximeter)";
        BloodPressureComponentsOptional = "blood-pressure-components-optional" ["RFA-DEV-008"]
            "files a blood pressure reading without both its systolic and diastolic components";
        DuplicateReadingsByDay = "duplicate-readings-by-day" ["RFA-DEV-009"]
            "keys a reading's duplicate check on its date, not its instant, so a device's second reading of the same kind that day is refused as a resend";
        KeepsRefusedReading = "keeps-refused-reading" ["RFA-DEV-004", "RFA-DEV-005", "RFA-DEV-006", "RFA-DEV-007", "RFA-DEV-008", "RFA-DEV-009"]
            "refuses a device reading it has already filed in the record, and leaves it there";
        DuplicateReadingsFiled = "duplicate-readings-filed" ["RFA-DEV-009"]
            "files a device's reading again when it is resent under a new identifier";
    }
}
