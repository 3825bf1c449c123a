Feature: Electronic prescribing: controlled drugs
  The Misuse of Drugs Regulations 2001 set extra rules for controlled
  drugs, by schedule: Schedules 2 and 3 need the total quantity in words as
  well as figures and cannot go on repeatable (repeat-dispensing)
  prescriptions; Schedules 2, 3 and 4 are valid for 28 days, and the
  Department of Health and Social Care expects no more than 30 days'
  supply. Schedule 5 and other medicines need none of this. The order the
  candidate sends the hosted EPS says a controlled drug's schedule and the
  quantity in words in EPS's own Extension-DM-ControlledDrug (profile
  §28). Each test prescription is one unit three times a day.

  @RFA-EPS-026 @lot1 @must @route-readback
  Rule: A Schedule 2 or 3 controlled drug without the quantity in words is not issued, and EPS is sent nothing; with the words it reaches EPS carrying them

    Scenario: Morphine 10mg modified-release tablets with the words, issued
      Given a prescription for "patient1" of "Morphine 10mg modified-release tablets"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is as prescribed

    Scenario Outline: <medicine>
      Given a prescription for "patient1" of "<medicine>"
      And the prescription has no quantity in words
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | medicine                               |
        | Morphine 10mg modified-release tablets |
        | Oxycodone 5mg capsules                 |
        | Temazepam 10mg tablets                 |

  @RFA-EPS-027 @lot1 @must @route-readback
  Rule: The quantity in words must say the quantity in figures: otherwise the prescription is not issued and EPS is sent nothing; words that agree are issued

    Scenario Outline: <quantity> as "<words>"
      Given a prescription for "patient1" of "Tramadol 50mg capsules"
      And the prescription's quantity is "<quantity>"
      And the prescription's quantity in words is "<words>"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | quantity | words        |
        | 21       | twelve       |
        | 28       | twenty seven |

    Scenario Outline: <quantity> as "<words>", accepted
      Given a prescription for "patient1" of "Tramadol 50mg capsules"
      And the prescription's quantity is "<quantity>"
      And the prescription's quantity in words is "<words>"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is as prescribed

      Examples:
        | quantity | words        |
        | 28       | Twenty-eight |
        | 21       | Twenty One   |

  @RFA-EPS-028 @lot1 @must @route-readback
  Rule: A Schedule 2, 3 or 4 controlled drug is valid from today for 28 days

    Scenario Outline: <medicine>
      Given a prescription for "patient1" of "<medicine>"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is valid from today for 28 days

      Examples:
        | medicine                               |
        | Morphine 10mg modified-release tablets |
        | Temazepam 10mg tablets                 |
        | Diazepam 2mg tablets                   |

  @RFA-EPS-029 @lot1 @must @route-readback
  Rule: More than 30 days' supply of a Schedule 2, 3 or 4 controlled drug is not issued, and EPS is sent nothing

    Scenario: 90 Diazepam 2mg tablets, 30 days, issued
      Given a prescription for "patient1" of "Diazepam 2mg tablets"
      And the prescription's quantity is "90"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"

    Scenario Outline: <quantity> of <medicine>
      Given a prescription for "patient1" of "<medicine>"
      And the prescription's quantity is "<quantity>"
      And the prescription's quantity in words is "<words>"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | medicine               | quantity | words         |
        | Oxycodone 5mg capsules | 120      | one hundred and twenty |
        | Diazepam 2mg tablets   | 93       | ninety three  |

  @RFA-EPS-030 @lot1 @must @route-readback
  Rule: A Schedule 2 or 3 controlled drug cannot be prescribed on repeat dispensing: such a prescription is not issued, and EPS is sent nothing

    Scenario: Diazepam 2mg tablets (Schedule 4) on repeat dispensing, issued
      Given a prescription for "patient1" of "Diazepam 2mg tablets"
      And the prescription is repeat dispensing
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is repeat dispensing with 2 further issues

    Scenario Outline: <medicine> on repeat dispensing
      Given a prescription for "patient1" of "<medicine>"
      And the prescription is repeat dispensing
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | medicine               |
        | Temazepam 10mg tablets |
        | Tramadol 50mg capsules |

  @RFA-EPS-031 @lot1 @must @route-readback
  Rule: Schedule 4 and 5 controlled drugs need no quantity in words; the order says each controlled drug's schedule

    Scenario Outline: <medicine>, Schedule <schedule>
      Given a prescription for "patient1" of "<medicine>"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is a Schedule <schedule> controlled drug

      Examples:
        | medicine                 | schedule |
        | Diazepam 2mg tablets     | 4        |
        | Zopiclone 3.75mg tablets | 4        |
        | Codeine 30mg tablets     | 5        |
