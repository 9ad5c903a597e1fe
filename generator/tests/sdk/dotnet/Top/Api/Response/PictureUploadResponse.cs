using System;
using System.Xml.Serialization;
using Top.Api.Domain;

namespace Top.Api.Response
{
    /// <summary>
    /// PictureUploadResponse.
    /// </summary>
    public class PictureUploadResponse : TopResponse
    {
        /// <summary>
        /// 图片
        /// </summary>
        [XmlElement("picture")]
        public Picture Picture { get; set; }

    }
}
