"""English for what a person learns of others' times (``planning.busy``) and for the
session layer's messages (``thekiz_tui/session``)."""

EN: dict[str, str] = {
    "{who} ist am {day} von {start} bis {end} belegt.":
        "{who} is busy on {day} from {start} to {end}.",
    "{who} ist am {day} ganztägig belegt.": "{who} is busy all day on {day}.",
    "{who} ist vom {first} bis {last} belegt.": "{who} is busy from {first} to {last}.",
    "{who} ist vom {first} {start} bis {last} {end} belegt.":
        "{who} is busy from {first} {start} to {last} {end}.",
    "{who} ist belegt.": "{who} is busy.",
    "Jemand": "Someone",
}
