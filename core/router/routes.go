package router

// Routes reached by the stages that follow Decide: the keyword shortcut
// (a registered skill or tool whose trigger matched and whose parameters
// were found in the text) and the model classifier.
const (
	RouteKeyword    Route = "keyword-shortcut"
	RouteClassifier Route = "classifier"
)
