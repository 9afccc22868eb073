"""The daily report: collect one UTC day of CloudWatch figures (`collect`), then render them (`render`).

Collection returns plain data (`model.DailyReport`); rendering never talks to AWS.
"""
