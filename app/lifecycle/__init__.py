"""The life of a log: its states, who moves it between them, and the consent it rests on."""
