"""The demo dataset: one city's year, created through the gateway's public API.

`python -m demo` (or `make demo`) plans the city from a seed (`plan`), sends
it to a running platform as an external system would (`load`, over `client`),
then fetches the year's annual report and checks that it shows the planned
figures (`verify`), exiting non-zero if not.
"""
