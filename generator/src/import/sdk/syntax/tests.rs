//! The class reader on Java and C# shapes, and on broken sources.
use super::*;
use crate::import::sdk::lex::lex;

#[test]
fn a_java_request_class_is_read() {
    let src = r#"
package com.taobao.api.request;
import java.util.Map;
/** TOP API: a.b request */
public class ABRequest extends BaseTaobaoRequest<ABResponse> {
private static final long serialVersionUID = 1L;
/** 编号 */
private Long thingId;
private List<Foo> foos = new ArrayList<Foo>();
public void setThingId(Long thingId) { this.thingId = thingId; }
public String getApiMethodName() { return "a.b"; }
public Map<String, String> getTextParams() throws Exception { return null; }
public static class Foo extends TaobaoObject {
    @ApiField("foo_id") private Long fooId;
}
}"#;
    let classes = parse(&lex(src, Flavor::Java).unwrap(), Flavor::Java).unwrap();
    let c = &classes[0];
    assert_eq!(c.name, "ABRequest");
    assert_eq!(c.doc, "TOP API: a.b request");
    assert_eq!(c.bases[0].args[0].name, "ABResponse");
    assert_eq!(c.vars.len(), 3);
    assert_eq!(c.vars[1].doc, "编号");
    assert_eq!(c.vars[2].ty.to_string(), "List<Foo>");
    assert_eq!(c.methods.len(), 3);
    assert_eq!(c.inner[0].vars[0].attrs[0].strings, vec!["foo_id"]);
}

#[test]
fn a_csharp_response_class_is_read() {
    let src = r#"
using System;
namespace Top.Api.Response {
/// <summary>
/// ABResponse.
/// </summary>
public class ABResponse : TopResponse {
    [XmlArray("things")]
    [XmlArrayItem("thing")]
    public List<ThingDomain> Things { get; set; }
    public long? Total { get; set; }
    [Serializable]
    public class ThingDomain : TopObject {
        [XmlElement("name")] public string Name { get; set; }
    }
}
}"#;
    let classes = parse(&lex(src, Flavor::CSharp).unwrap(), Flavor::CSharp).unwrap();
    let c = &classes[0];
    assert_eq!(c.vars[0].attrs.len(), 2);
    assert_eq!(c.vars[1].ty.unwrap_nullable().name, "long");
    assert_eq!(c.inner[0].vars[0].attrs[0].strings, vec!["name"]);
}

#[test]
fn broken_sources_are_located_errors() {
    for (src, line) in [
        ("public class A {\n private Long x\n}", 3),
        ("public class A {\n void f() {\n", 2),
        ("class A { int x = ; }\n garbage here", 2),
    ] {
        let toks = lex(src, Flavor::Java).unwrap();
        let e = parse(&toks, Flavor::Java).unwrap_err();
        assert_eq!(e.line, line, "{src}: {}", e.message);
    }
}
