using System;
using System.Xml.Serialization;
using System.Collections.Generic;

namespace Top.Api.Domain
{
    /// <summary>
    /// 类目：子类目是同一类型（一个自己包含自己的类型）
    /// </summary>
    [Serializable]
    public class Category : TopObject
    {
        /// <summary>
        /// 类目ID
        /// </summary>
        [XmlElement("cid")]
        public long Cid { get; set; }

        /// <summary>
        /// 类目名
        /// </summary>
        [XmlElement("name")]
        public string Name { get; set; }

        /// <summary>
        /// 子类目
        /// </summary>
        [XmlArray("children")]
        [XmlArrayItem("category")]
        public List<Category> Children { get; set; }

        /// <summary>
        /// 这个类型不在这个 SDK 里
        /// </summary>
        [XmlElement("extra")]
        public MissingType Extra { get; set; }
    }
}
