module ties

go 1.26
