//! The ways the reference can break patients online (slots, appointments, repeat requests, patient access): the defects whose
//! behaviour lives in this area's handlers, declared beside them. Each
//! names the requirement(s) it must make fail (some in other areas, where a
//! check made here is what those requirements judge).

crate::reference::defect::defects! {
    OnlDefect {
        KeepsRefusedBooking = "keeps-refused-booking" ["RFA-ONL-010", "RFA-ONL-012", "RFA-ONL-022", "RFA-ONL-039", "RFA-ONL-040"]
            "writes a booking before checking it, and keeps the appointment when the check refuses it";
        KeepsRefusedRepeatRequest = "keeps-refused-repeat-request" ["RFA-ONL-036", "RFA-ONL-037"]
            "writes a repeat request before checking it, and keeps it when the check refuses it";
        KeepsRefusedChange = "keeps-refused-change" ["RFA-ARR-008", "RFA-ONL-015", "RFA-ONL-019", "RFA-ONL-020", "RFA-ONL-021", "RFA-ONL-023", "RFA-ONL-028", "RFA-ONL-041"]
            "writes an amendment or cancellation before checking it, and keeps it when the check refuses it";
        FreeSearchIgnoresWindow = "free-search-ignores-window" ["RFA-ONL-001"]
            "returns free slots up to a day outside the start and end of the search";
        FreeSearchAcceptsLooseBounds = "free-search-accepts-loose-bounds" ["RFA-ONL-002"]
            "answers a free slot search without start or end, or with other prefixes";
        FreeSearchAcceptsPartialDates = "free-search-accepts-partial-dates" ["RFA-ONL-003"]
            "reads a partial start or end as best it can instead of refusing it";
        FreeSearchAcceptsAnyWindow = "free-search-accepts-any-window" ["RFA-ONL-004"]
            "answers a free slot search whose end is before its start, or that spans more than 14 days";
        FreeSearchWithoutStatus = "free-search-without-status" ["RFA-ONL-005"]
            "answers a free slot search without status=free";
        FreeSearchIgnoresInclude = "free-search-ignores-include" ["RFA-ONL-006", "RFA-ONL-043", "RFA-ONL-051"]
            "leaves the Schedules, Practitioners and Locations asked for with _include out";
        FreeSearchReturnsBusy = "free-search-returns-busy" ["RFA-ONL-007"]
            "returns busy slots from a search for free ones";
        FreeSearchIgnoresOrganisationType = "free-search-ignores-organisation-type" ["RFA-ONL-008", "RFA-ONL-016"]
            "offers slots kept for one type of organisation to every consumer";
        FreeSearchMissingIsInvalid = "free-search-missing-is-invalid" ["RFA-ONL-002", "RFA-ONL-005"]
            "answers a free slot search missing start, end or status 422 INVALID_PARAMETER instead of 400 BAD_REQUEST";
        FreeSearchWindowOffByOne = "free-search-window-off-by-one" ["RFA-ONL-001", "RFA-ONL-004", "RFA-ONL-007"]
            "refuses a window of exactly 14 days, and one whose start and end are the same";
        FreeSearchRefusesUnknownFilter = "free-search-refuses-unknown-filter" ["RFA-ONL-008", "RFA-ONL-024"]
            "refuses a searchFilter it does not understand instead of ignoring it";
        FreeSearchIncludesEveryActor = "free-search-includes-every-actor" ["RFA-ONL-006"]
            "includes the Schedules' Practitioners and Locations whether or not they were asked for";
        FreeSearchPractitionerDetails = "free-search-practitioner-details" ["RFA-ONL-006"]
            "includes Practitioners with the telecom and birthDate GP Connect leaves out of free slot searches";
        FreeSearchEmptyHasResources = "free-search-empty-has-resources" ["RFA-ONL-001"]
            "answers a search that finds no free slot with Schedules in the Bundle";
        FreeSearchNoServiceKind = "free-search-no-service-kind" ["RFA-ONL-043"]
            "names no service category on its Schedules and no service type on its Slots";
        FreeSearchSlotSpecialty = "free-search-slot-specialty" ["RFA-ONL-001", "RFA-ONL-004", "RFA-ONL-006", "RFA-ONL-007", "RFA-ONL-008", "RFA-ONL-024", "RFA-ONL-051"]
            "fills Slot.specialty, which GP Connect's Slot leaves unused";
        BookingWithoutEtag = "appointment-without-etag" ["RFA-ONL-009", "RFA-ONL-014", "RFA-ONL-026", "RFA-ONL-051"]
            "answers bookings and reads of appointments without the version's ETag";
        BookingWithoutValidation = "booking-without-validation" ["RFA-ONL-010"]
            "books appointments without a patient, a booking organisation, status booked or the slot's times";
        BookedSlotStillFree = "booked-slot-still-free" ["RFA-ONL-011", "RFA-ONL-039"]
            "keeps offering a booked slot as free";
        BookingAllowsDoubleBooking = "booking-allows-double-booking" ["RFA-ONL-012", "RFA-ONL-013"]
            "books a slot that is already booked";
        BookingRace = "booking-race" ["RFA-ONL-013"]
            "checks and books a slot in two steps, so two bookings at once can both succeed";
        CancelWithoutReason = "cancel-without-reason" ["RFA-ONL-015"]
            "cancels an appointment without a cancellation reason";
        CancelKeepsSlot = "cancel-keeps-slot" ["RFA-ONL-016"]
            "leaves the slot of a cancelled appointment unavailable";
        PatientAppointmentsIgnoreRange = "patient-appointments-ignore-range" ["RFA-ONL-017"]
            "returns all of a patient's appointments whatever range is asked for";
        AmendAnything = "amend-anything" ["RFA-ONL-019"]
            "accepts an amendment that changes the start, the slot, the patient or the status";
        AmendWithoutIfMatch = "amend-without-if-match" ["RFA-ONL-020"]
            "amends appointments without If-Match, or against a stale version";
        AmendAnyStatus = "amend-any-status" ["RFA-ONL-021"]
            "amends cancelled appointments";
        PastAppointmentsChange = "past-appointments-change" ["RFA-ONL-022"]
            "cancels and amends appointments whose day has gone";
        CancelIgnoresIfMatch = "cancel-ignores-if-match" ["RFA-ONL-023"]
            "cancels an appointment whatever version If-Match names";
        FreeSearchIgnoresDeliveryChannel = "free-search-ignores-delivery-channel" ["RFA-ONL-024"]
            "ignores a delivery-channel searchFilter and returns slots of every channel";
        BookingAnswersMinimal = "booking-answers-minimal" ["RFA-ONL-025", "RFA-ONL-044", "RFA-ONL-045", "RFA-ONL-046", "RFA-ONL-051"]
            "answers every booking without a body, as if return=minimal were asked for";
        PatientAccessLeaksExistence = "patient-access-leaks-existence" ["RFA-ONL-029"]
            "answers a patient asking for an unknown patient or appointment 404, telling them who is not registered";
        PatientReadsWholeRecord = "patient-reads-whole-record" ["RFA-ONL-031"]
            "gives a patient-scoped token every part of the structured record, not the summary";
        RepeatRequestApproved = "repeat-request-approved" ["RFA-ONL-034", "RFA-ONL-035"]
            "approves repeat requests as they are made instead of leaving them for the practice";
        RepeatRequestsNotListed = "repeat-requests-not-listed" ["RFA-ONL-035"]
            "answers a repeat request 201 but keeps no record of it";
        RepeatRequestAnyMedication = "repeat-request-any-medication" ["RFA-ONL-036"]
            "accepts repeat requests for acute, ended and other organisations' medications";
        RepeatRequestForOthers = "repeat-request-for-others" ["RFA-ONL-037"]
            "takes repeat requests for other patients and their medications";
        CancelAnyStatus = "cancel-any-status" ["RFA-ARR-008"]
            "cancels appointments the patient arrived for or did not attend";
        AmendNotKept = "amend-not-kept" ["RFA-ONL-018", "RFA-ONL-020", "RFA-ONL-023", "RFA-ONL-025"]
            "answers an amendment 200 at the next version but keeps the appointment as it was";
        BookingKeepsFirstSlotOnly = "booking-keeps-first-slot-only" ["RFA-ONL-039"]
            "books an appointment of several slots on its first slot only, leaving the others free";
        BookingAcceptsGaps = "booking-accepts-gaps" ["RFA-ONL-039"]
            "books slots that do not follow one another as one appointment";
        BookingWithoutLocation = "booking-without-location" ["RFA-ONL-010"]
            "books appointments that name no Location participant";
        BookingOrganisationUnchecked = "booking-organisation-unchecked" ["RFA-ONL-010"]
            "books appointments whose booking organisation has no name or telecom, or is not a contained resource";
        BookingAcceptsForbiddenElements = "booking-accepts-forbidden-elements" ["RFA-ONL-040"]
            "books appointments carrying a reason, a specialty, an unknown element, an identifier without a value or a participant without a status";
        BooksStartedSlots = "books-started-slots" ["RFA-ONL-022"]
            "books a slot whose start time has already passed";
        PastJudgedByDay = "past-judged-by-day" ["RFA-ONL-022"]
            "treats an appointment as past only once its day has gone, so one begun earlier today is still cancelled or amended";
        CancelEmptyReasonInvalidResource = "cancel-empty-reason-invalid-resource" ["RFA-ONL-015"]
            "refuses a cancellation reason extension with an empty reason as INVALID_RESOURCE instead of INVALID_PARAMETER";
        CancelAcceptsOtherChanges = "cancel-accepts-other-changes" ["RFA-ONL-041"]
            "cancels an appointment whose cancellation also changes its description, comment, participants or type";
        PatientAppointmentsAllowPast = "patient-appointments-allow-past" ["RFA-ONL-017"]
            "answers a search for a patient's appointments over a range partly or wholly in the past";
        ChangeIgnoresPreferMinimal = "change-ignores-prefer-minimal" ["RFA-ONL-025"]
            "answers amendments and cancellations with the Appointment even when Prefer return=minimal asks for no body";
        BookingDropsOptional = "booking-drops-optional" ["RFA-ONL-042"]
            "books an appointment but drops its comment and its delivery channel and practitioner role extensions";
        CancelDropsDetails = "cancel-drops-details" ["RFA-ONL-015", "RFA-ONL-044"]
            "answers and keeps a cancelled appointment without its description and the time it was created";
        PatientAppointmentsUnknownPatientEmpty = "patient-appointments-unknown-patient-empty" ["RFA-ONL-017"]
            "answers a search for the appointments of a patient it does not hold with an empty Bundle instead of 404";
        BookingDropsOrganisationTelecom = "booking-drops-organisation-telecom" ["RFA-ONL-042", "RFA-ONL-044"]
            "books an appointment but keeps its booking organisation without the telecom it was sent with";
        ReadsOwnBookingsOnly = "reads-own-bookings-only" ["RFA-ONL-014"]
            "answers a read of an appointment booked by another organisation 404, as if it did not exist";
        PatientAppointmentsLooseDates = "patient-appointments-loose-dates" ["RFA-ONL-017"]
            "reads a patient's appointment range with any prefix and from date-times or extra start parameters instead of refusing them";
        AppointmentParticipantsUnresolvable = "appointment-participants-unresolvable" ["RFA-ONL-044"]
            "answers booked appointments naming their Location by an id of its own that Location read does not know";
        BookingDropsServiceKind = "booking-drops-service-kind" ["RFA-ONL-045"]
            "books appointments without the service category and service type of their schedule and slot";
        ChangeRequiresServiceKind = "change-requires-service-kind" ["RFA-ONL-015", "RFA-ONL-018"]
            "refuses an amendment or cancellation that leaves out the service category and type the appointment was answered with";
        FreeSearchRefusesOtherOrganisation = "free-search-refuses-other-organisation" ["RFA-ONL-008"]
            "refuses a searchFilter naming a booking organisation's ODS code it does not hold, instead of ignoring it";
        AppointmentReadUnknownBadRequest = "appointment-read-unknown-bad-request" ["RFA-ONL-014"]
            "answers a read of an appointment id it does not hold, or of none, 400 BAD_REQUEST instead of 404";
        PreferReadAsMinimal = "prefer-read-as-minimal" ["RFA-ONL-025"]
            "takes any Prefer header on an amendment or cancellation as return=minimal, answering return=representation with no body";
        CancelIfMatchBareVersion = "cancel-if-match-bare-version" ["RFA-ONL-023"]
            "compares a cancellation's If-Match with the bare version id, so the weak ETag it answers with (W/\"1\") never matches and every versioned cancellation is refused 409";
        PatientAppointmentsByNhsNumber = "patient-appointments-by-nhs-number" ["RFA-ARR-002", "RFA-ONL-017", "RFA-ONL-022", "RFA-ONL-026", "RFA-ONL-044", "RFA-ONL-045", "RFA-ONL-046", "RFA-ONL-051"]
            "looks a patient's appointments up by NHS number though the path names the patient's logical id, so none is ever found";
        PatientAppointmentWritesRefused = "patient-appointment-writes-refused" ["RFA-ONL-026", "RFA-ONL-027"]
            "lets a signed-in patient find free slots and read appointments but refuses their bookings, amendments and cancellations 403, as if only staff could write";
        BookingDefaultComment = "booking-default-comment" ["RFA-ONL-042"]
            "books an appointment sent without a comment with a comment of its own (\"Booked online\")";
        AppointmentAnswersCacheable = "appointment-answers-cacheable" ["RFA-ONL-047"]
            "lets consumers cache its successful answers to free slot and appointment searches, bookings, reads, amendments and cancellations (Cache-Control: private, max-age=300)";
        PatientAppointmentsRangeCapped = "patient-appointments-range-capped" ["RFA-ONL-017", "RFA-ONL-026", "RFA-ONL-032", "RFA-ONL-033", "RFA-ONL-044", "RFA-ONL-045", "RFA-ONL-046", "RFA-ONL-048", "RFA-ONL-051"]
            "refuses a search for a patient's appointments over more than 7 days with 422 INVALID_PARAMETER, a cap of its own (GP Connect sets none)";
    }
}
