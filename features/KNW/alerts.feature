Feature: Knowledge bases: alerts while prescribing
  When a medicine is prescribed the candidate consults its knowledge base
  against the patient's active allergies and current medication — the
  record's current repeats and what has just been prescribed (profile
  §30). A high-severity alert stops the prescription unless the prescriber
  overrides it with a reason; a moderate one lets it through. Whether a
  prescription is stopped is judged as the rest of prescribing is (§28):
  the candidate is asked to issue it, and a stopped one is refused with
  nothing sent to EPS. That the alert is kept with the prescription (a
  contained DetectedIssue, the override as its mitigation) shows on no
  national interface, so those rules still read the prescription through
  the profile's extension. Test data: patient3 and patient2 have an
  active penicillin allergy, patient17 resolved penicillin and aspirin
  allergies; patient7 takes simvastatin on repeat (metformin stopped);
  patient2 takes amlodipine and patient8 metformin on repeat; patient1 has
  no clinical data.

  @RFA-KNW-010 @lot1 @must @route-readback
  Rule: A medicine the patient has an active allergy to is stopped by a high-severity allergy alert: the candidate does not issue it, and sends EPS nothing

    Scenario: Amoxicillin 500mg capsules for a patient with no allergy, issued
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"

    Scenario Outline: <medicine> for <patient>
      Given a prescription for "<patient>" of "<medicine>"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | patient  | medicine                              |
        | patient3 | Amoxicillin 500mg capsules            |
        | patient3 | Flucloxacillin 500mg capsules         |
        | patient3 | Phenoxymethylpenicillin 250mg tablets |
        | patient2 | Amoxicillin 250mg/5ml oral suspension |

  @RFA-KNW-011 @lot1 @must @route-extension
  Rule: Overridden with a reason, an allergy alert lets the prescription through and is kept with it: a high ALGY DetectedIssue quoting the reason

    Scenario Outline: <medicine> for <patient>, overridden
      Given a prescription for "<patient>" of "<medicine>"
      And the prescriber overrides the alerts because "Tolerated a full course in 2024 without reaction"
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" records a high allergy alert with the override reason

      Examples:
        | patient  | medicine                      |
        | patient3 | Amoxicillin 500mg capsules    |
        | patient2 | Flucloxacillin 500mg capsules |

  @RFA-KNW-012 @lot1 @must @route-readback
  Rule: A medicine with a high-severity interaction with the patient's current repeat medication is stopped by a drug interaction alert: the candidate does not issue it, and sends EPS nothing

    Scenario: clarithromycin for a patient on no medication, issued
      Given a prescription for "patient1" of "Clarithromycin 500mg tablets"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"

    Scenario: clarithromycin with simvastatin
      Given a prescription for "patient7" of "Clarithromycin 500mg tablets"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

  @RFA-KNW-013 @lot1 @must @route-extension
  Rule: Overridden with a reason, an interaction alert lets the prescription through and is kept with it: a high DRG DetectedIssue quoting the reason

    Scenario: clarithromycin with simvastatin, overridden
      Given a prescription for "patient7" of "Clarithromycin 500mg tablets"
      And the prescriber overrides the alerts because "Simvastatin paused for the five-day course"
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" records a high interaction alert with the override reason

  @RFA-KNW-014 @lot1 @must @route-extension
  Rule: A moderate interaction does not stop the prescription: it is issued with a moderate DRG DetectedIssue

    Scenario Outline: simvastatin with amlodipine (<dose> a day)
      Given a prescription for "patient2" of "Simvastatin 40mg tablets"
      And the prescription's frequency is "<dose>"
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" records a moderate interaction alert

      Examples:
        | dose |
        | 1    |
        | 2    |

  @RFA-KNW-015 @lot1 @must @route-extension
  Rule: Prescribing a medicine the patient already has on repeat is issued with a duplicate therapy DetectedIssue

    Scenario Outline: <medicine> for <patient>
      Given a prescription for "<patient>" of "<medicine>"
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" records a moderate duplicate therapy alert

      Examples:
        | patient  | medicine                 |
        | patient8 | Metformin 500mg tablets  |
        | patient2 | Amlodipine 5mg tablets   |

  @RFA-KNW-016 @lot1 @must @route-extension
  Rule: Nothing to say, no alert: resolved allergies, stopped medicines and an empty record raise none

    Scenario Outline: <medicine> for <patient> (<why>)
      Given a prescription for "<patient>" of "<medicine>"
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" records no alert

      Examples:
        | patient   | medicine                         | why                          |
        | patient17 | Amoxicillin 500mg capsules       | penicillin allergy resolved  |
        | patient17 | Aspirin 75mg dispersible tablets | aspirin allergy resolved     |
        | patient7  | Metformin 500mg tablets          | metformin stopped            |
        | patient1  | Paracetamol 500mg tablets        | no clinical data             |

  @RFA-KNW-017 @lot1 @must @route-readback
  Rule: Overriding an alert needs a reason: with an empty one the prescription is not issued, and EPS is sent nothing; with a reason it is issued

    Scenario: a reason, issued
      Given a prescription for "patient3" of "Flucloxacillin 500mg capsules"
      And the prescriber overrides the alerts because "Tolerated a full course in 2024 without reaction"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"

    Scenario: an empty reason
      Given a prescription for "patient3" of "Amoxicillin 500mg capsules"
      And the prescriber overrides the alerts because ""
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

    Scenario: a blank reason
      Given a prescription for "patient3" of "Flucloxacillin 500mg capsules"
      And the prescriber overrides the alerts because "   "
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

  @RFA-KNW-018 @lot1 @must @route-readback
  Rule: What has just been prescribed counts as current medication: a high-severity interaction with it stops the next prescription, which the candidate does not send EPS

    Scenario: warfarin, then aspirin
      Given the candidate has issued "Warfarin 1mg tablets" for "patient4" as "warfarin"
      And a prescription for "patient4" of "Aspirin 75mg dispersible tablets"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

    Scenario: methotrexate, then trimethoprim
      Given the candidate has issued "Methotrexate 2.5mg tablets" for "patient5" as "methotrexate"
      And a prescription for "patient5" of "Trimethoprim 200mg tablets"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

  @RFA-KNW-019 @lot1 @must @route-extension
  Rule: The alerts stay with the prescription: reading it back shows them

    Scenario: a moderate interaction, read back
      Given a prescription for "patient2" of "Simvastatin 40mg tablets"
      When the request is sent
      Then the prescription is issued as "rx"
      Given a read of the prescription "rx"
      When the request is sent
      Then the prescription read back records a moderate interaction alert

    Scenario: an overridden allergy alert, read back
      Given a prescription for "patient3" of "Phenoxymethylpenicillin 250mg tablets"
      And the prescriber overrides the alerts because "Desensitised by the allergy clinic"
      When the request is sent
      Then the prescription is issued as "rx"
      Given a read of the prescription "rx"
      When the request is sent
      Then the prescription read back records a high allergy alert
