Feature: Electronic prescribing: cancellation
  A prescriber cancels a prescription that has not been dispensed, giving
  one of EPS's cancellation reasons (0001 Prescribing Error … 0008 Patient
  deceased) to `$rfa.cancel` (profile §28). The prescription keeps the
  reason; once any of it has been dispensed it can no longer be cancelled.

  @RFA-EPS-022 @lot1 @must @route-extension
  Rule: A cancellation with an EPS reason answers 200 with the prescription cancelled and the reason kept

    Scenario Outline: reason <code>
      Given "patient1" has been prescribed "Paracetamol 500mg tablets" as "rx"
      And a cancellation of the prescription "rx" because "<code>"
      When the request is sent
      Then the prescription "rx" is cancelled because "<code>"

      Examples:
        | code |
        | 0001 |
        | 0003 |
        | 0005 |

  @RFA-EPS-023 @lot1 @must @route-extension
  Rule: A cancellation without a reason, or with one EPS does not know, is refused with 422 INVALID_RESOURCE

    Scenario: no reason
      Given "patient1" has been prescribed "Paracetamol 500mg tablets" as "rx"
      And a cancellation of the prescription "rx" without a reason
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: an unknown reason
      Given "patient1" has been prescribed "Paracetamol 500mg tablets" as "rx"
      And a cancellation of the prescription "rx" because "0042"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-EPS-024 @lot1 @must @route-extension
  Rule: A cancelled prescription stays cancelled (status 0005) and cannot be cancelled again: 422 INVALID_RESOURCE

    Scenario: read after cancelling
      Given "patient1" has been prescribed "Cetirizine 10mg tablets" as "rx"
      And the prescription "rx" has been cancelled
      Then the prescription "rx" has the status "0005"

    Scenario: cancelled twice
      Given "patient1" has been prescribed "Cetirizine 10mg tablets" as "rx"
      And the prescription "rx" has been cancelled
      And a cancellation of the prescription "rx" because "0002"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-EPS-025 @lot1 @must @route-extension
  Rule: Once any of a prescription has been dispensed it cannot be cancelled: 422 INVALID_RESOURCE, and it stays as it was

    Scenario: partly dispensed
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And the prescription "rx" has been dispensed 7
      And a cancellation of the prescription "rx" because "0004"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: fully dispensed
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And the prescription "rx" has been dispensed 21
      And a cancellation of the prescription "rx" because "0004"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored
